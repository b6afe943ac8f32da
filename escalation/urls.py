"""Web pages of the escalation app."""

from django.urls import path  # noqa: F401

app_name = "escalation"
urlpatterns: list = []
