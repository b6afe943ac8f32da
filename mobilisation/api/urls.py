"""API routes of the mobilisation app, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("mobilisation/registrations", views.RegistrationViewSet, basename="mob-registration")
router.register("mobilisation/tasks", views.ServiceTaskViewSet, basename="mob-task")
router.register("mobilisation/wishes", views.WishViewSet, basename="mob-wish")
router.register("mobilisation/points", views.PointsViewSet, basename="mob-points")
router.register("mobilisation/duties", views.DutyItemViewSet, basename="mob-duty")
router.register("mobilisation/duty-reports", views.DutyReportViewSet, basename="mob-duty-report")
router.register("mobilisation/appraisals", views.AppraisalViewSet, basename="mob-appraisal")
router.register("mobilisation/tricolour", views.TriColourViewSet, basename="mob-tricolour")
router.register("mobilisation/topics", views.TopicViewSet, basename="mob-topic")
router.register("mobilisation/unit-accounts", views.UnitAccountViewSet, basename="mob-unit-account")
router.register("public/wishes", views.PublicWishViewSet, basename="public-wish")
router.register("public/topics", views.PublicTopicViewSet, basename="public-topic")
urlpatterns = router.urls
