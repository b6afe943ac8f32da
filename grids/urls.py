"""Web pages of the grids app."""

from django.urls import path

from . import views

app_name = "grids"
urlpatterns = [
    path("grids/staffing/", views.staffing_report_page, name="staffing_report"),
]
