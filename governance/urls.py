"""Web pages of the governance app."""

from django.urls import path

from . import views

app_name = "governance"
urlpatterns: list = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico on every page that names none (the admin's, error pages): the app's icon.
    path("favicon.ico", views.favicon, name="favicon"),
]
