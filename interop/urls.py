"""The 12345 exchange at ``/interop/12345/``: the signed inbound API and the street's pages."""

from django.urls import path

from . import views
from .api import views as api_views

app_name = "interop"

urlpatterns = [
    path("12345/orders/", api_views.OrderReceiveView.as_view(), name="hotline-orders"),
    path("12345/orders/<str:order_id>/decisions/", api_views.DecisionView.as_view(), name="hotline-decisions"),
    path("12345/queue/", views.queue, name="hotline-queue"),
    path("12345/order/<int:pk>/", views.order_detail, name="hotline-order"),
]
