"""API routes of the cases app, mounted under /api/v1/.

Staff (token or session): ``cases/`` list + file, ``cases/{id}/`` detail,
``cases/{id}/transitions/{action}/``, ``cases/{id}/events/`` (read-only), ``cases/{id}/evidence/``,
``cases/{id}/allowed-actions/``, ``cases/{id}/rating/``, ``cases/duplicates/``.
Citizens (no account): ``public/cases/`` (report, rate limited), ``public/cases/{token}/`` (follow),
``public/cases/{token}/rating/`` (rate once). ``auth/token/`` trades a username and password for a token.
``bench/bare`` exists only when the environment sets BENCH=1 (the yardstick of bench/intake.py).
"""

import os

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="case")

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="api-token"),
    path("public/cases/", views.PublicReportView.as_view(), name="public-case-report"),
    path("public/cases/<str:token>/", views.PublicCaseView.as_view(), name="public-case"),
    path("public/cases/<str:token>/rating/", views.PublicRatingView.as_view(), name="public-case-rating"),
    *router.urls,
]

if os.environ.get("BENCH") == "1":
    urlpatterns.append(path("bench/bare", views.bench_bare, name="bench-bare"))
