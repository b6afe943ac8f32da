"""The project's own pages: the home redirect and /healthz."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "core"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
