"""API routes of the governance app, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("rules", views.JurisdictionRuleViewSet, basename="rule")
urlpatterns = router.urls
