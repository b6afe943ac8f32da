"""API routes of the mediation app, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from .views import DisputeViewSet

router = DefaultRouter()
router.register("mediation/disputes", DisputeViewSet, basename="med-dispute")
urlpatterns = router.urls
