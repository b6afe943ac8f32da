"""The cells of every CSV and XLSX export, safe for spreadsheets (OWASP "CSV injection").

Shared by every app that exports (``cases.exports`` builds its CSV/XLSX machinery on these; ``residents`` and
``mobilisation`` sit below or beside it and use them directly): text that would start a formula is written as
text, and control characters that XLSX cannot hold are stripped, so stored data never makes an export fail.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise

from .hostile_input import strip_control_characters

#: A cell starting with one of these is a formula to a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """A CSV field that a spreadsheet shows as the text it is: control characters stripped, and text that
    would start a formula prefixed with ``'`` (numbers stay numbers)."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    return strip_control_characters(value)


def csv_row(row: Any) -> list[Any]:
    """``csv_text`` over a row (None → empty)."""
    return ["" if v is None else csv_text(v) for v in row]


def xlsx_text(ws: Any, value: str) -> Any:
    """An XLSX string cell: always written as text (never a formula), without the control characters that
    XLSX cannot hold."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=strip_control_characters(value))
    cell.data_type = "s"
    return cell


def xlsx_row(ws: Any, row: Any) -> list[Any]:
    """A row for a write-only sheet: every string (or lazy translation) a text cell, other values as they are."""
    return [xlsx_text(ws, str(v)) if isinstance(v, (str, Promise)) else v for v in row]
