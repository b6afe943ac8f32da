"""The dispute figures as CSV or XLSX: one row per grid, community or street of the user's scope (the same rows as
``/mediation/figures/``), then a total row recomputed from the raw counts. The file machinery — streamed CSV with a
BOM, write-only XLSX, text that would start a formula written as text — is the project's (``cases.exports``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from cases.exports import Sheet, csv_response, xlsx_response

COUNTS = ("found", "mediated", "concluded", "agreed")
PLACES = ("at_grid", "at_community", "at_street", "at_district")


def header(by: str) -> list[str]:
    dimension = {"grid": _("网格"), "community": _("社区"), "street": _("街道")}[by]
    return [
        dimension,
        _("排查发现"),
        _("已调解"),
        _("已办结"),
        _("调解成功"),
        _("成功率"),
        _("网格化解"),
        _("社区化解"),
        _("街道化解"),
        _("区及以上化解"),
        _("街道内化解占比"),
    ]


def total_row(rows: list[dict]) -> dict:
    """The scope's total: counts summed, the rates recomputed from them (never an average of rates)."""
    total: dict[str, Any] = {k: sum(r[k] for r in rows) for k in (*COUNTS, *PLACES)}
    within = total["at_grid"] + total["at_community"] + total["at_street"]
    total["name"] = _("合计")
    total["success_rate"] = total["agreed"] / total["concluded"] if total["concluded"] else None
    total["within_street"] = within / total["agreed"] if total["agreed"] else None
    return total


def _line(row: dict, *, as_text: bool) -> list[Any]:
    def rate(v: float | None) -> Any:
        if v is None:
            return ""
        return f"{v * 100:.1f}%" if as_text else v

    return [
        row["name"],
        *(row[k] for k in COUNTS),
        rate(row["success_rate"]),
        *(row[k] for k in PLACES),
        rate(row["within_street"]),
    ]


def _lines(rows: list[dict], *, as_text: bool) -> list[list[Any]]:
    return [_line(r, as_text=as_text) for r in [*rows, total_row(rows)]]


def _name(by: str, first: date, last: date, ext: str) -> str:
    return f"disputes-{by}-{first:%Y%m%d}-{last:%Y%m%d}.{ext}"


def figures_csv(rows: list[dict], *, by: str, date_from: date, date_to: date) -> StreamingHttpResponse:
    return csv_response(_name(by, date_from, date_to, "csv"), header(by), _lines(rows, as_text=True))


def figures_xlsx(rows: list[dict], *, by: str, date_from: date, date_to: date) -> HttpResponse:
    sheet = Sheet(
        title=_("矛盾纠纷化解统计"),
        header=header(by),
        rows=_lines(rows, as_text=False),
        formats={5: "0.0%", 10: "0.0%"},
        widths={0: 24},
    )
    period = Sheet(
        title=_("统计周期"),
        header=[_("项目"), _("数值")],
        rows=[[_("统计周期"), f"{date_from:%Y-%m-%d} — {date_to:%Y-%m-%d}"], [_("统计对象"), header(by)[0]]],
        widths={0: 16, 1: 26},
    )
    return xlsx_response(_name(by, date_from, date_to, "xlsx"), [sheet, period])
