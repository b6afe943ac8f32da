"""API routes of the residents app, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("residents", views.ResidentViewSet, basename="resident")
router.register("resident-tags", views.ResidentTagViewSet, basename="resident-tag")
router.register("tag-categories", views.TagCategoryViewSet, basename="tag-category")
router.register("buildings", views.BuildingViewSet, basename="building")
router.register("visit-plans", views.VisitPlanViewSet, basename="visit-plan")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("diary-entries", views.DiaryEntryViewSet, basename="diary-entry")
urlpatterns = router.urls
