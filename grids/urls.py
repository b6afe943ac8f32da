"""Web pages of the grids app."""

from django.urls import path  # noqa: F401

app_name = "grids"
urlpatterns: list = []
