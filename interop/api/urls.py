"""The street's 12345 desk under /api/v1/ (the hotline's own signed endpoints are in ``interop.urls``)."""

from rest_framework.routers import DefaultRouter

from .staff import HotlineOrderViewSet

router = DefaultRouter()
router.register("hotline-orders", HotlineOrderViewSet, basename="hotline-order")
urlpatterns = router.urls
