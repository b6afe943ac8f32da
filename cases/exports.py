"""Exports of case lists, and the CSV / XLSX machinery that ``assessment.exports`` reuses: CSV (streamed, UTF-8
with a BOM so Excel reads Chinese) and XLSX (openpyxl in write-only mode: rows go straight to the file, memory
stays flat).

The case rows are read with ``values_list`` over the (already scope-filtered) queryset in chunks, joined
names included, so an export is one streaming query, never one query per case.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import csv_text, xlsx_text
from core.masking import mask_name, mask_phone
from governance.choices import Level

from .choices import Channel, Status
from .lights import case_light
from .models import Case

BOM = "\ufeff"
CHUNK = 2000
#: XLSX has a hard limit of 1,048,576 rows per sheet; an export stops well before it and says so.
XLSX_MAX_ROWS = 200_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """A file-like object whose ``write`` returns the line: csv.writer then yields text for streaming."""

    def write(self, value: str) -> str:
        return value


def local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """Stream ``rows`` as CSV: a BOM, the header, then each row as it is produced."""
    writer = csv.writer(_Echo())

    def generate() -> Iterator[str]:
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow(["" if v is None else csv_text(v) for v in row])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    #: column index → Excel number format (e.g. "0.0%")
    formats: dict[int, str] | None = None
    widths: dict[int, int] | None = None


def xlsx_bytes(sheets: Sequence[Sheet], *, max_rows: int = XLSX_MAX_ROWS) -> bytes:
    """Write the sheets with openpyxl in write-only mode; a sheet past ``max_rows`` ends with a note row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(title=str(sheet.title)[:31])
        for col, width in (sheet.widths or {}).items():
            ws.column_dimensions[_column_letter(col)].width = width
        header = []
        for value in sheet.header:
            cell = xlsx_text(ws, str(value))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        formats = sheet.formats or {}
        written = 0
        for row in sheet.rows:
            if written >= max_rows:
                ws.append([xlsx_text(ws, _("仅导出前 %(n)s 行，请缩小筛选范围或改用 CSV") % {"n": max_rows})])
                break
            out = []
            for i, value in enumerate(row):
                if isinstance(value, datetime):
                    value = timezone.localtime(value).replace(tzinfo=None)
                elif isinstance(value, Promise):
                    value = str(value)
                if isinstance(value, str):
                    out.append(xlsx_text(ws, value))
                elif i in formats and value is not None:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = formats[i]
                    out.append(cell)
                else:
                    out.append(value)
            ws.append(out)
            written += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


# --- case lists ------------------------------------------------------------------------------------------

#: (header, field read with values_list, formatter)
CASE_COLUMNS: list[tuple[Any, str, Callable[[Any], Any] | None]] = [
    (gettext_lazy("编号"), "number", None),
    (gettext_lazy("标题"), "title", None),
    (gettext_lazy("事项编码"), "category__code", None),
    (gettext_lazy("事项"), "category__name", None),
    (gettext_lazy("等级"), "grade", None),
    (gettext_lazy("状态"), "status", lambda v: Status(v).label if v in Status.values else v),
    (gettext_lazy("当前层级"), "level", lambda v: Level(v).label if v in Level.values else v),
    (gettext_lazy("网格编码"), "grid__code", None),
    (gettext_lazy("网格"), "grid__name", None),
    (gettext_lazy("社区"), "community__name", None),
    (gettext_lazy("街道"), "street__name", None),
    (gettext_lazy("地址"), "address", None),
    (gettext_lazy("来源渠道"), "channel", lambda v: Channel(v).label if v in Channel.values else v),
    (gettext_lazy("上报时间"), "reported_at", None),
    (gettext_lazy("受理时间"), "accepted_at", None),
    (gettext_lazy("本级办理时限"), "due_at", None),
    (gettext_lazy("办结时间"), "resolved_at", None),
    (gettext_lazy("结案时间"), "closed_at", None),
    (gettext_lazy("派遣次数"), "dispatch_count", None),
    (gettext_lazy("退单次数"), "return_count", None),
    (gettext_lazy("上报次数"), "escalation_count", None),
    (gettext_lazy("督办时间"), "supervised_at", None),
]
LIGHT_LABELS = {"red": gettext_lazy("红灯"), "yellow": gettext_lazy("黄灯"), "green": gettext_lazy("绿灯"), "": ""}


def case_header() -> list[str]:
    return [str(h) for h, _f, _fmt in CASE_COLUMNS] + [str(_("红黄绿灯")), str(_("群众姓名")), str(_("群众电话"))]


def case_rows(
    qs: QuerySet[Case], *, as_text: bool, now: datetime | None = None, unmasked: bool = False
) -> Iterator[list[Any]]:
    """One list per case, in the queryset's order, read in chunks (one streaming query).

    ``as_text`` formats timestamps as local "YYYY-MM-DD HH:MM" (CSV); otherwise they stay datetimes (XLSX).
    The citizen's name and phone are masked unless ``unmasked`` (which needs the export permission and writes
    the access log: see ``export_contacts_allowed`` and the dashboard's export view).
    The traffic light is computed from the stored times, like ``Case.light``.
    """
    now = now or timezone.now()
    names = [f for _h, f, _fmt in CASE_COLUMNS]
    extra = ["yellow_at", "status", "due_at", "citizen_name", "citizen_phone"]
    for values in qs.values_list(*names, *extra).iterator(chunk_size=CHUNK):
        row = list(values[: len(names)])
        yellow_at, status, due_at, citizen_name, citizen_phone = values[len(names) :]
        for i, (_h, _f, fmt) in enumerate(CASE_COLUMNS):
            if fmt is not None:
                row[i] = str(fmt(row[i]))
            elif isinstance(row[i], datetime):
                row[i] = local(row[i]) if as_text else row[i]
        row.append(str(LIGHT_LABELS[case_light(status=status, due_at=due_at, yellow_at=yellow_at, now=now)]))
        row += [citizen_name, citizen_phone] if unmasked else [mask_name(citizen_name), mask_phone(citizen_phone)]
        yield row


def cases_csv(qs: QuerySet[Case], *, filename: str | None = None, unmasked: bool = False) -> StreamingHttpResponse:
    rows = case_rows(qs, as_text=True, unmasked=unmasked)
    return csv_response(filename or f"cases-{stamp()}.csv", case_header(), rows)


def export_contacts_allowed(user: Any) -> bool:
    """Unmasked citizen contacts in an export need the ``cases.export_citizen_contact`` permission."""
    return bool(user and user.is_authenticated and user.has_perm("cases.export_citizen_contact"))


def cases_xlsx(qs: QuerySet[Case], *, filename: str | None = None, unmasked: bool = False) -> HttpResponse:
    formats = {i: "yyyy-mm-dd hh:mm" for i, (_h, f, _fmt) in enumerate(CASE_COLUMNS) if f.endswith("_at")}
    sheet = Sheet(
        title=_("案件"),
        header=case_header(),
        rows=case_rows(qs, as_text=False, unmasked=unmasked),
        formats=formats,
        widths={0: 18, 1: 30, 11: 30},
    )
    return xlsx_response(filename or f"cases-{stamp()}.xlsx", [sheet])
