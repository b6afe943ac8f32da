"""Web pages of the assessment app (paths unchanged from when the page lived in cases and the charts in escalation)."""

from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("assessment/", views.assessment_page, name="page"),
    path("assessment/export.<str:fmt>", views.assessment_export, name="export"),
    path("dashboard/charts/daily.svg", views.chart_daily, name="chart-daily"),
    path("dashboard/charts/weekly.svg", views.chart_weekly, name="chart-weekly"),
]
