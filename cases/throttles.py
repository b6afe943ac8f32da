"""Request throttles shared by the citizen-facing endpoints (the public case API and Open311)."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class CitizenReportThrottle(SimpleRateThrottle):
    """Citizen reports per client IP; the rate is ``DEFAULT_THROTTLE_RATES["citizen_report"]``
    (settings.CITIZEN_REPORT_RATE), read per request so it follows the settings.

    The client is REMOTE_ADDR unless ``NUM_PROXIES`` is configured: an X-Forwarded-For header
    is trusted only behind a known number of proxies (otherwise any client could forge it).
    """

    scope = "citizen_report"

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR", "")
        return super().get_ident(request)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
