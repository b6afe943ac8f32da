"""Open311 inputs (the POST form, the GET filters) and outputs (services, requests) in the spec's field names.

Outputs are built field by field in the spec's order (the XML element order follows it), from what the
selectors already loaded. A request shows public data only: no citizen name, phone or e-mail, no staff name —
the holder is an office (a centre, a department, a grid team).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core import signing
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.request import Request

from cases.choices import HandlerKind, Status
from cases.models import Case
from cases.selectors import evidence_public_url
from core.validators import validate_contact_phone
from governance.choices import Grade
from governance.models import Category
from grids.selectors import locate_grid

from .selectors import STATUS_GROUPS, open311_status

#: The spec's longest search window, and the default one (the most recent 90 days).
WINDOW = timedelta(days=90)
#: Years a search date may name: a window reaching year 1 or 9999 overflowed the date arithmetic (a 500).
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: Files one request may carry in ``media`` (multipart extension).
MAX_MEDIA = 5
TITLE_LENGTH = 50


def iso(value: datetime | None) -> str | None:
    """W3C / ISO 8601 with the offset, in local time: ``2026-11-18T10:05:00+08:00``."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# --- services --------------------------------------------------------------------------------------------


def service_data(category: Category) -> dict[str, Any]:
    """One ``<service>``: the 小类 as a realtime service without extra attributes, grouped by its 大类."""
    group = category.parent.label
    grade = str(Grade(category.grade).label) if category.grade in Grade.values else ""
    keywords = dict.fromkeys(
        k for k in (category.parent.name, category.name, category.parent.name_en, category.name_en) if k
    )
    return {
        "service_code": category.code,
        "service_name": category.label,
        "description": f"{group} / {category.label}" + (f" — {grade}" if grade else ""),
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": group,
    }


def service_definition_data(category: Category) -> dict[str, Any]:
    """The service definition: no attributes beyond the standard fields (``metadata`` is false)."""
    return {"service_code": category.code, "attributes": []}


# --- requests: output ------------------------------------------------------------------------------------


def agency_responsible(case: Case) -> str:
    """The office holding the case now — a department, a centre or a grid team, never a person."""
    departments = [d.department.name for d in getattr(case, "open311_departments", ())]
    if case.handler_kind == HandlerKind.DEPARTMENTS and departments:
        return "、".join(dict.fromkeys(departments))
    if case.handler_kind == HandlerKind.GRID_TEAM and case.grid_id:
        return _("%(grid)s（网格团队）") % {"grid": case.grid.name}
    if case.handler_region_id:
        return _("%(region)s综治中心") % {"region": case.handler_region.name}
    return _("综治中心")


def status_notes(case: Case) -> str:
    """Our finer status, with the latest public event's note when it has one (the reason for the status)."""
    label = str(Status(case.status).label) if case.status in Status.values else case.status
    note = (getattr(case, "open311_note", "") or "").strip()
    return _("%(status)s：%(note)s") % {"status": label, "note": note} if note else label


def media_url(case: Case, request: Request) -> str | None:
    name = getattr(case, "open311_photo", None)
    if not name:
        return None
    return request.build_absolute_uri(evidence_public_url(name))  # signed: the public may open this one file


def request_data(case: Case, request: Request) -> dict[str, Any]:
    """One ``<request>`` (public data only)."""
    return {
        "service_request_id": case.number,
        "status": open311_status(case.status),
        "status_notes": status_notes(case),
        "service_name": case.category.label,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": agency_responsible(case),
        "service_notice": None,
        "requested_datetime": iso(case.reported_at),
        "updated_datetime": iso(case.updated_at),
        "expected_datetime": iso(case.due_at) if case.is_open else None,
        "address": case.address,
        "lat": case.lat,
        "long": case.lng,
        "media_url": media_url(case, request),
    }


TOKEN_SALT = "interop.open311.token"


def open311_token(case: Case) -> str:
    """The GeoReport ``token`` of a filed request: a signed reference that ``GET tokens/{token}`` turns into the
    ``service_request_id``. Not the citizen's private follow-up token (that one never leaves the citizen)."""
    return signing.dumps(case.pk, salt=TOKEN_SALT)


def case_id_for_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def created_data(case: Case) -> dict[str, Any]:
    """The answer to a POST: the public number at once, a token for clients that follow up by token, and what
    happens next."""
    notice = _("已收到您的反映，事件编号 %(number)s，可凭编号查询办理进度。") % {"number": case.number}
    if case.due_at:
        due = timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")
        notice += _("预计 %(due)s 前处理。") % {"due": due}
    return {
        "service_request_id": case.number,
        "token": open311_token(case),
        "service_notice": notice,
        "account_id": None,
    }


# --- requests: input -------------------------------------------------------------------------------------


def _full_name(first: str, last: str) -> str:
    """``first_name`` + ``last_name`` as written: family name first, no space, for Chinese names."""
    first, last = first.strip(), last.strip()
    if not (first and last):
        return first or last
    if any(ord(c) > 0x2E7F for c in first + last):
        return last + first
    return f"{first} {last}"


def _title(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"


class ServiceRequestInput(serializers.Serializer):
    """``POST requests``: the spec's fields (form-encoded) plus ``media`` files (multipart).

    Placed by ``lat``/``long`` (the grid covering the point); an address alone cannot be located here.
    ``media_url`` is never fetched: it is kept as a link in the description. ``email``, ``device_id``,
    ``account_id``, ``api_key``, ``jurisdiction_id`` and ``attribute[…]`` are accepted and not stored (a case
    keeps a contact name and phone only; anonymous filing needs no key).
    """

    service_code = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(active=True, parent__isnull=False),
        error_messages={
            "does_not_exist": gettext_lazy("没有编码为“{value}”的服务（见 services 列表）"),
            "required": gettext_lazy("请提供 service_code"),
            "null": gettext_lazy("请提供 service_code"),
            "invalid": gettext_lazy("service_code 无效"),
        },
    )
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    address_string = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    address_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_contact_phone],
    )
    media_url = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default="", validators=[URLValidator(["http", "https"])]
    )
    media = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        max_length=MAX_MEDIA,
        write_only=True,
    )
    api_key = serializers.CharField(required=False, allow_blank=True, max_length=100)
    jurisdiction_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    device_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    account_id = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def validate(self, attrs: dict) -> dict:
        lat, lng = attrs.get("lat"), attrs.get("long")
        if (lat is None) != (lng is None):
            raise serializers.ValidationError(_("lat 和 long 必须同时提供"))
        if lat is None:
            raise serializers.ValidationError(_("需要位置：请提供 lat 和 long（本系统不能仅凭地址定位）"))
        grid = locate_grid(lat=lat, lng=lng)
        if grid is None:
            raise serializers.ValidationError(
                _("该位置（%(lat)s, %(long)s）不在本系统服务的网格范围内") % {"lat": lat, "long": lng}
            )
        attrs["grid"] = grid
        return attrs

    def filing(self) -> dict[str, Any]:
        """The keyword arguments of ``services.case_file`` (besides actor and channel)."""
        d = self.validated_data
        category: Category = d["service_code"]
        text = d["description"].strip()
        description = text or category.name
        if d["media_url"]:
            description += "\n\n" + _("图片链接：%(url)s") % {"url": d["media_url"]}
        grid = d["grid"]
        address = d["address_string"].strip() or _("%(grid)s（%(lat).6f, %(long).6f）") % {
            "grid": grid.name,
            "lat": d["lat"],
            "long": d["long"],
        }
        return {
            "category": category,
            "title": _title(text) or category.name,
            "description": description,
            "address": address[:200],
            "lat": d["lat"],
            "lng": d["long"],
            "grid": grid,
            "citizen_name": _full_name(d["first_name"], d["last_name"])[:50],
            "citizen_phone": d["phone"].strip(),
            "files": d.get("media") or (),
        }


# --- requests: search ------------------------------------------------------------------------------------


def _parse_when(value: str, *, end: bool) -> datetime | None:
    """A W3C datetime (offset optional: local time then) or a date (its start, or its end for ``end_date``)."""
    value = value.strip()
    try:  # well-formed but impossible values ("2026-13-45") raise ValueError
        when = parse_datetime(value)
        day = parse_date(value) if when is None else None
    except ValueError:
        return None
    if when is None:
        if day is None:
            return None
        when = datetime.combine(day, time.max if end else time.min)
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class RequestsQuery(serializers.Serializer):
    """``GET requests`` filters. Without dates the window is the most recent 90 days; with one date it is the
    90 days from (or up to) it; with both it may not span more than 90 days."""

    service_code = serializers.CharField(required=False, allow_blank=True, default="")
    start_date = serializers.CharField(required=False, allow_blank=True, default="")
    end_date = serializers.CharField(required=False, allow_blank=True, default="")
    status = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_status(self, value: str) -> list[str]:
        statuses = [s.lower() for s in _split(value)]
        bad = [s for s in statuses if s not in STATUS_GROUPS]
        if bad:
            raise serializers.ValidationError(_("status 只能是 open 或 closed（可用逗号分隔）"))
        return statuses

    def validate_service_code(self, value: str) -> list[str]:
        return _split(value)

    def _date(self, value: str, field: str, *, end: bool) -> datetime | None:
        if not value.strip():
            return None
        when = _parse_when(value, end=end)
        if when is None:
            example = "2026-11-18T10:00:00+08:00"
            raise serializers.ValidationError(
                {field: _("日期时间格式应为 W3C（ISO 8601），如 %(example)s") % {"example": example}}
            )
        if not FIRST_YEAR <= when.year <= LAST_YEAR:
            raise serializers.ValidationError(
                {field: _("日期须在 %(first)s 年至 %(last)s 年之间") % {"first": FIRST_YEAR, "last": LAST_YEAR}}
            )
        return when

    def validate(self, attrs: dict) -> dict:
        start = self._date(attrs["start_date"], "start_date", end=False)
        end = self._date(attrs["end_date"], "end_date", end=True)
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            start = end - WINDOW
        if end is None:
            end = start + WINDOW
        if start > end:
            raise serializers.ValidationError(_("start_date 不能晚于 end_date"))
        if end - start > WINDOW:
            raise serializers.ValidationError(_("查询时间范围不能超过 90 天"))
        return {"start": start, "end": end, "service_codes": attrs["service_code"], "statuses": attrs["status"]}
