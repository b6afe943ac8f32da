"""Open311 GeoReport v2 routes, mounted at ``/open311/v2/``; every document in ``.json`` or ``.xml``.

``discovery``, ``services``, ``services/{service_code}``, ``requests`` (GET and POST),
``requests/{service_request_id}``; anything else ending in ``.json`` / ``.xml`` answers a 404 error document.
"""

from django.urls import re_path

from . import views

app_name = "open311"

FMT = r"\.(?P<format>json|xml)$"

# Mounted at "open311/v2" (no slash): every route starts with one or more slashes, so a base URL given with
# a trailing slash ("…/v2/" + "/requests.json") works as well as one without; reverse() gives one slash.
S = r"^(?:/+)"

urlpatterns = [
    re_path(S + r"tokens/(?P<token>[^/]+?)" + FMT, views.TokenView.as_view(), name="token"),
    re_path(S + r"discovery" + FMT, views.DiscoveryView.as_view(), name="discovery"),
    re_path(S + r"services" + FMT, views.ServiceListView.as_view(), name="services"),
    re_path(S + r"services/(?P<service_code>[^/]+?)" + FMT, views.ServiceDefinitionView.as_view(), name="service"),
    re_path(S + r"requests" + FMT, views.RequestListView.as_view(), name="requests"),
    re_path(S + r"requests/(?P<service_request_id>[^/]+?)" + FMT, views.RequestDetailView.as_view(), name="request"),
    re_path(S + r".*" + FMT, views.UnknownEndpointView.as_view(), name="unknown"),
]
