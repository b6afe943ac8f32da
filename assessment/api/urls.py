"""API routes of the assessment app, mounted under /api/v1/ (the path predates the app: unchanged)."""

from django.urls import path

from .views import AssessmentView

urlpatterns = [
    path("dashboard/assessment/", AssessmentView.as_view(), name="dashboard-assessment"),
]
