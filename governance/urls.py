"""Web pages of the governance app."""

from django.urls import path

from . import views

app_name = "governance"
urlpatterns: list = [
    path("", views.home, name="home"),
]
