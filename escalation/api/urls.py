"""API routes of the escalation app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .dashboard import DashboardCountersView, DashboardGridsView
from .notices import NoticeViewSet
from .summons import CaseWhistleView, SummonsViewSet

router = DefaultRouter()
router.register("notices", NoticeViewSet, basename="notice")
router.register("summonses", SummonsViewSet, basename="summons")
urlpatterns = router.urls
urlpatterns.append(path("cases/<int:pk>/whistle/", CaseWhistleView.as_view(), name="case-whistle"))
urlpatterns.append(path("dashboard/counters/", DashboardCountersView.as_view(), name="dashboard-counters"))
urlpatterns.append(path("dashboard/grids/", DashboardGridsView.as_view(), name="dashboard-grids"))
