"""The assessment's exports: the chosen table as CSV, or a workbook (a summary sheet, then one sheet per
dimension) as XLSX. Every row carries its raw counts beside its rates, so a reader can recompute any scheme.

The file machinery (streamed CSV with a BOM, write-only XLSX) is ``cases.exports``'.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exports import Sheet, csv_response, xlsx_response

from .indicators import COUNT_LABELS, COUNT_NAMES, SCORED_INDICATORS, STANDARD_INDICATORS, Scheme, percent
from .selectors import Assessment, Row


def assessment_header(scheme: Scheme, dimension_label: str) -> list[str]:
    return [
        str(_("排名")),
        str(dimension_label),
        *(str(COUNT_LABELS[name]) for name in COUNT_NAMES),
        *(str(i.label) for i in SCORED_INDICATORS),
        str(_("综合得分（%(scheme)s）") % {"scheme": scheme.label}),
    ]


#: Columns (0-based) holding rates: after rank, label and the raw counts.
RATE_COLUMNS = tuple(range(2 + len(COUNT_NAMES), 2 + len(COUNT_NAMES) + len(SCORED_INDICATORS) + 1))


def assessment_row(row: Row, *, as_text: bool) -> list[Any]:
    r = row.rates
    values: list[float | None] = (
        [*(r.values[i.key] for i in SCORED_INDICATORS), r.composite] if r else [None] * len(RATE_COLUMNS)
    )
    rates: list[Any] = ["" if v is None else f"{v * 100:.2f}%" for v in values] if as_text else list(values)
    counts = row.counts.as_dict()
    return [row.rank if row.rank is not None else "", row.label, *(counts[name] for name in COUNT_NAMES), *rates]


def assessment_csv(result: Assessment, *, dimension_label: str) -> StreamingHttpResponse:
    p = result.period
    name = f"assessment-{result.by}-{p.date_from:%Y%m%d}-{p.date_to:%Y%m%d}-{result.scheme.name}.csv"
    rows = (assessment_row(r, as_text=True) for r in result.rows)
    return csv_response(name, assessment_header(result.scheme, dimension_label), rows)


def _counted_at(result: Assessment) -> str:
    """When the figures were counted: the kept figures' time, or "实时统计" for a live count."""
    at = result.figures.computed_at if result.figures else None
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}" if at else str(_("实时统计"))


def assessment_xlsx(result: Assessment, tables: Sequence[tuple[str, list[Row]]]) -> HttpResponse:
    """A summary sheet (the scope's counts, rates and indicators), then one sheet per table."""
    p, scheme = result.period, result.scheme
    shares = "/".join(f"{share * 100:g}" for share in scheme.shares().values())
    summary_rows: list[list[Any]] = [
        [_("统计周期"), f"{p.date_from:%Y-%m-%d} — {p.date_to:%Y-%m-%d}"],
        [_("考核方案"), f"{scheme.label}（{shares}；{_('基本满意')} × {scheme.basic_weight:g}）"],
        [_("统计时间"), _counted_at(result)],
    ]
    for name, value in result.total.as_dict().items():
        summary_rows.append([COUNT_LABELS.get(name, name), value])
    rates = result.total_rates
    for indicator in SCORED_INDICATORS:
        summary_rows.append([indicator.label, percent(rates.values[indicator.key], 2)])
    summary_rows.append([_("综合得分"), percent(rates.composite, 2)])
    for key, rate in result.indicators.rates.items():
        summary_rows.append([STANDARD_INDICATORS[key], percent(rate, 2)])
    for d in result.indicators.durations:
        hours = None if d["seconds"] is None else round(d["seconds"] / 3600, 2)
        summary_rows.append([_("平均用时（小时）：%(step)s") % {"step": d["label"]}, hours])
    sheets = [Sheet(title=_("概览"), header=[_("项目"), _("数值")], rows=summary_rows, widths={0: 28, 1: 26})]
    for label, rows in tables:
        sheets.append(
            Sheet(
                title=label,
                header=assessment_header(scheme, label),
                rows=(assessment_row(r, as_text=False) for r in rows),
                formats={i: "0.00%" for i in RATE_COLUMNS},
                widths={1: 26},
            )
        )
    name = f"assessment-{p.date_from:%Y%m%d}-{p.date_to:%Y%m%d}-{scheme.name}.xlsx"
    return xlsx_response(name, sheets)
