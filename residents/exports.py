"""Masked exports of residents (CSV, XLSX) for centre staff and admins.

Masked always: ID number 620201********123X, phone 138****5678, birth year only. Tag columns list only the
categories the viewer may see, and never a 高度敏感 (sensitivity 3) one — those stay on screen. Every exported
person is one access-log row (``access_log_record_many``: one bulk insert per chunk). At most ``MAX_ROWS``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import csv_row, xlsx_row

from .choices import AccessChannel, AccessSubject, Sensitivity
from .models import Resident
from .selectors import visible_tags_by_resident
from .services import access_log_record_many

MAX_ROWS = 100_000
CHUNK = 2000


def export_rows(*, user: Any, qs: QuerySet[Resident], path: str) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("网格"), _("姓名"), _("性别"), _("出生年份"), _("公民身份号码"), _("联系方式"), _("人口类型"), _("现住地址"),
        _("证件到期日期"), _("标签"),
    ]  # fmt: skip
    out: list[list[Any]] = []
    ordered = qs.order_by("grid_id", "id")[:MAX_ROWS]
    chunk: list[Resident] = []
    for resident in ordered.iterator(chunk_size=CHUNK):
        chunk.append(resident)
        if len(chunk) >= CHUNK:
            out.extend(_chunk_rows(user, chunk, path))
            chunk = []
    if chunk:
        out.extend(_chunk_rows(user, chunk, path))
    return header, out


def _chunk_rows(user: Any, chunk: list[Resident], path: str) -> list[list[Any]]:
    tags = visible_tags_by_resident(user=user, resident_ids=[r.id for r in chunk])
    access_log_record_many(
        user=user,
        subject=AccessSubject.RESIDENT,
        rows=[{"object_id": r.id, "street_id": r.grid.community.parent_id} for r in chunk],
        channel=AccessChannel.EXPORT,
        path=path,
    )
    rows = []
    for r in chunk:
        shown = [c.name for c in tags.get(r.id, []) if c.sensitivity < Sensitivity.HIGHLY_SENSITIVE]
        rows.append(
            [
                r.grid.code,
                r.name,
                r.get_sex_display(),
                r.birth_date.year if r.birth_date else "",
                r.id_number_masked,
                r.phone_masked,
                r.get_kind_display(),
                r.house.address if r.house_id else "",
                r.permit_expires_on.isoformat() if r.permit_expires_on else "",
                "、".join(shown),
            ]
        )
    return rows


def residents_export(*, user: Any, qs: QuerySet[Resident], fmt: str, path: str) -> HttpResponse:
    header, rows = export_rows(user=user, qs=qs, path=path)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
        writer = csv.writer(buffer)
        writer.writerow(csv_row(header))
        writer.writerows(csv_row(row) for row in rows)  # formulas written as text (core.exports)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("实有人口"))
        sheet.append(xlsx_row(sheet, header))
        for row in rows:
            sheet.append(xlsx_row(sheet, row))  # every text a string cell, never a formula (core.exports)
        buffer_b = io.BytesIO()
        book.save(buffer_b)
        response = HttpResponse(
            buffer_b.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="residents-{stamp}.{fmt}"'
    return response
