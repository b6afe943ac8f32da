"""Root URLconf: pages, admin, the API (/api/v1/), its schema and docs, health."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from governance import views as governance_views
from mobilisation import urls as mobilisation_urls

api_v1 = [
    path("", include("governance.api.urls")),
    path("", include("grids.api.urls")),
    path("", include("cases.api.urls")),
    path("", include("escalation.api.urls")),
    path("", include("assessment.api.urls")),
    path("", include("mobilisation.api.urls")),
]

urlpatterns = [
    path("healthz", governance_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("open311/v2/", include("interop.open311.urls")),
    path("interop/", include("interop.urls")),
    path("", include("assessment.urls")),
    path("", include("escalation.urls")),
    path("", include("mobilisation.urls")),
    path("", include(mobilisation_urls.public_urlpatterns)),
    path("", include("cases.urls")),
    path("", include("grids.urls")),
    path("", include("governance.urls")),
]

if settings.DEBUG or settings.MEDIA_ROOT:
    # Evidence is served by the app (no separate file server on small deployments); access is
    # by unguessable content-hash paths. Put a proper file server in front for large ones.
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
