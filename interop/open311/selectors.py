"""Reads behind the Open311 endpoints: the services (the catalogue's active 小类) and the published requests.

Which cases are published: those filed through a channel in ``settings.OPEN311_PUBLISHED_CHANNELS`` (default:
Open311 only). Open311 requests are public by convention — anyone may read any request by its number — so a
client filing through it knows its report is public. A citizen who reported on the web form was promised a
private follow-up link, and cases filed by grid workers may concern a household or a dispute: those are not
published unless the deployment says so.

Every list is one query for the cases (the latest public note and the first report photo are subqueries)
plus one for the departments holding them, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from cases.choices import FINAL_STATUSES, OPEN_STATUSES, EvidenceStage
from cases.models import Case, CaseDispatch, CaseEvent, Evidence
from governance.models import Category

#: Most requests one GET returns (the spec's suggested cap).
MAX_REQUESTS = 1000
#: Open311 has two statuses; ours map onto them.
STATUS_GROUPS = {"open": tuple(OPEN_STATUSES), "closed": tuple(FINAL_STATUSES)}


def published_channels() -> tuple[str, ...]:
    return tuple(settings.OPEN311_PUBLISHED_CHANNELS)


def open311_status(status: str) -> str:
    return "closed" if status in STATUS_GROUPS["closed"] else "open"


def services() -> QuerySet[Category]:
    """The services offered: active 小类 (the ones ``case_file`` accepts), with their 大类, by code."""
    return Category.objects.filter(active=True, parent__isnull=False).select_related("parent").order_by("code")


def service_get(code: str) -> Category | None:
    return services().filter(code=code).first()


def published_requests() -> QuerySet[Case]:
    """Published cases with what a request renders: category, grid, holding centre, the latest public event's
    note, the first report photo, and the departments of the active dispatches (``open311_departments``)."""
    latest_public = CaseEvent.objects.filter(case=OuterRef("pk"), public=True).order_by("-at", "-id")
    first_photo = Evidence.objects.filter(
        case=OuterRef("pk"), stage=EvidenceStage.REPORT, content_type__startswith="image/"
    ).order_by("uploaded_at", "id")
    departments = (
        CaseDispatch.objects.filter(active=True, department__isnull=False).select_related("department").order_by("id")
    )
    return (
        Case.objects.filter(channel__in=published_channels())
        .select_related("category", "grid", "handler_region")
        .annotate(
            open311_note=Subquery(latest_public.values("note")[:1]),
            open311_photo=Subquery(first_photo.values("file")[:1]),
        )
        .prefetch_related(Prefetch("dispatches", queryset=departments, to_attr="open311_departments"))
    )


def requests_by_number(numbers: Iterable[str]) -> list[Case]:
    """Published cases with these public numbers (unknown or unpublished ones are simply absent), newest first."""
    wanted = list(dict.fromkeys(n for n in numbers if n))[:MAX_REQUESTS]
    return list(published_requests().filter(number__in=wanted).order_by("-reported_at", "-id"))


def requests_search(
    *, start: datetime, end: datetime, service_codes: Iterable[str] = (), statuses: Iterable[str] = ()
) -> list[Case]:
    """Published cases reported in [start, end], of these services and Open311 statuses (all when empty),
    newest first, at most ``MAX_REQUESTS``."""
    qs = published_requests().filter(reported_at__gte=start, reported_at__lte=end)
    codes = list(service_codes)
    if codes:
        qs = qs.filter(category__code__in=codes)
    groups = set(statuses)
    if groups and groups != set(STATUS_GROUPS):
        ours = [s for g in groups for s in STATUS_GROUPS[g]]
        qs = qs.filter(status__in=ours)
    return list(qs.order_by("-reported_at", "-id")[:MAX_REQUESTS])


def number_for_case_id(case_id: int | None) -> str | None:
    """The public number of the case a GeoReport token names (the token was signed by us: see serializers)."""
    if case_id is None:
        return None
    return Case.objects.filter(pk=case_id).values_list("number", flat=True).first()


def open311_key_active(key: str) -> bool:
    from interop.models import Open311Client

    return Open311Client.objects.filter(api_key=key, active=True).exists()
