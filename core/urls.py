"""The project's own pages: the home redirect and /healthz."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "core"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on every page that names none (the admin's, error pages): the app's icon.
    path("favicon.ico", views.favicon, name="favicon"),
]
