"""Root URLconf: pages, admin, the API (/api/v1/), its schema and docs, health."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from cases import media
from core.exception_handler import api_not_found
from mobilisation import urls as mobilisation_urls

api_v1 = [
    path("", include("governance.api.urls")),
    path("", include("grids.api.urls")),
    path("", include("residents.api.urls")),
    path("", include("cases.api.urls")),
    path("", include("escalation.api.urls")),
    path("", include("assessment.api.urls")),
    path("", include("mobilisation.api.urls")),
    path("", include("mediation.api.urls")),
    path("", include("interop.api.urls")),
]

urlpatterns = [
    path("", include("core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    # Any other path under /api/: a JSON 404 in the API's error shape, never the HTML page.
    re_path(r"^api/", api_not_found),
    path("open311/v2", include("interop.open311.urls")),  # routes start with "/+" (base URL with or without /)
    path("interop/", include("interop.urls")),
    path("", include("assessment.urls")),
    path("", include("escalation.urls")),
    path("", include("mobilisation.urls")),
    path("", include("mediation.urls")),
    path("", include(mobilisation_urls.public_urlpatterns)),
    path("", include("cases.urls")),
    path("", include("residents.urls")),
    path("", include("grids.urls")),
]

# Evidence goes through a scope check (cases.media): never django.views.static.serve by its hash URL.
# In production the check stays here and nginx sends the bytes (MEDIA_X_ACCEL_REDIRECT; README).
urlpatterns += [path(settings.MEDIA_URL.strip("/") + "/<path:path>", media.serve_evidence, name="media")]

# A SuspiciousOperation's 400: the channel's format, and for pages the site's page with the user's menu.
handler400 = "core.views.bad_request"
