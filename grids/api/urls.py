"""API routes of the grids app, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("grids", views.GridViewSet, basename="grid")
router.register("staffing", views.GridAssignmentViewSet, basename="staffing")
urlpatterns = router.urls
