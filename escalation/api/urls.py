"""API routes of the escalation app, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from .notices import NoticeViewSet

router = DefaultRouter()
router.register("notices", NoticeViewSet, basename="notice")
urlpatterns = router.urls
