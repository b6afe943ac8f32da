"""Open311 GeoReport v2 routes, mounted at ``/open311/v2/``; every document in ``.json`` or ``.xml``.

``discovery``, ``services``, ``services/{service_code}``, ``requests`` (GET and POST),
``requests/{service_request_id}``; anything else ending in ``.json`` / ``.xml`` answers a 404 error document.
"""

from django.urls import re_path

from . import views

app_name = "open311"

FMT = r"\.(?P<format>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.DiscoveryView.as_view(), name="discovery"),
    re_path(r"^services" + FMT, views.ServiceListView.as_view(), name="services"),
    re_path(r"^services/(?P<service_code>[^/]+?)" + FMT, views.ServiceDefinitionView.as_view(), name="service"),
    re_path(r"^requests" + FMT, views.RequestListView.as_view(), name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+?)" + FMT, views.RequestDetailView.as_view(), name="request"),
    re_path(r"^.*" + FMT, views.UnknownEndpointView.as_view(), name="unknown"),
]
