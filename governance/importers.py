"""Bulk import of the region tree from CSV, and the import machinery the grids app reuses.

Every import runs in two passes:
1. **Validate** every row, collecting *every* problem with its line number; if there is one,
   raise ``ImportRejected`` and write nothing.
2. **Apply** all rows in one transaction, each as create / update / unchanged, so importing the
   same file twice changes nothing ("0 created, 0 updated, N unchanged").
Both passes report progress every ``every`` rows through the optional ``progress`` callback.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import InvalidInput

from .choices import REGION_PARENT_LEVEL, RegionLevel
from .models import Region

Progress = Callable[[str, int, int], None]  # (phase, done, total)
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class RowError:
    """One problem in the input, at physical ``line`` of the file; ``where`` says it for a person.

    ``where`` defaults to "第 3 行"; GeoJSON features say "features[2]（第 41 行）".
    """

    line: int
    reason: str
    where: str = ""

    def __post_init__(self) -> None:
        if not self.where:
            object.__setattr__(self, "where", _("第 %(line)d 行") % {"line": self.line})

    def __str__(self) -> str:
        return f"{self.where}{_('：')}{self.reason}"


class ImportRejected(InvalidInput):
    """The file has bad rows; nothing was imported. ``errors`` lists every one of them."""

    def __init__(self, errors: list[RowError]) -> None:
        errors = sorted(errors, key=lambda e: e.line)  # stable: a row's problems stay in checking order
        self.errors = errors
        lines = "\n".join(str(e) for e in errors)
        super().__init__(
            _("发现 %(n)d 处错误，未导入任何数据：\n%(lines)s") % {"n": len(errors), "lines": lines},
            code="import_rejected",
        )


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class CsvRow:
    line: int  # the physical line in the file where the record starts (1 = the header)
    values: dict[str, str]

    @property
    def where(self) -> str:
        return _("第 %(line)d 行") % {"line": self.line}

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def read_csv(source: str | Path | IO[str], *, required: Iterable[str], optional: Iterable[str] = ()) -> list[CsvRow]:
    """Parse a UTF-8 CSV (a BOM from Excel is fine) with a header row into rows that know their line number.

    ``csv.reader.line_num`` is the line the reader has reached *after* a record, so a record
    starts one line after the previous record ended; that stays right when a quoted field spans lines.
    Missing required columns reject the whole file (as an error on line 1).
    """
    if isinstance(source, str | Path):
        text = Path(source).read_text(encoding="utf-8-sig")
    else:
        text = source.read()
        text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportRejected([RowError(1, _("文件为空，缺少表头"))]) from None
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in {*required, *optional}]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("缺少列：%(cols)s") % {"cols": ", ".join(missing)})
        if unknown:
            parts.append(_("未知列：%(cols)s") % {"cols": ", ".join(unknown)})
        expected = ", ".join([*required, *(f"[{c}]" for c in optional)])
        raise ImportRejected([RowError(1, _("；").join(parts) + _("（应为：%(cols)s）") % {"cols": expected})])
    rows = []
    start = reader.line_num + 1
    for record in reader:
        if any(cell.strip() for cell in record):  # blank lines are skipped, not errors
            if len(record) > len(header):
                extra = {"__extra__": ",".join(record[len(header) :])}
            else:
                extra = {}
            rows.append(CsvRow(line=start, values={**dict(zip(header, record, strict=False)), **extra}))
        start = reader.line_num + 1
    return rows


def too_many_cells(row: CsvRow) -> RowError | None:
    if "__extra__" in row.values:
        return RowError(row.line, _("列数多于表头"))
    return None


def report_progress(progress: Progress | None, phase: str, done: int, total: int, every: int) -> None:
    if progress is not None and (done % every == 0 or done == total):
        progress(phase, done, total)


def apply_fields(obj: Any, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``obj``; True if any of them differed (the caller then saves and counts an update)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


# --- Regions -----------------------------------------------------------------------------------

REGION_COLUMNS = ("code", "name", "level", "parent_code")
REGION_OPTIONAL = ("case_prefix",)
LEVEL_DEPTH = {RegionLevel.CITY: 0, RegionLevel.DISTRICT: 1, RegionLevel.STREET: 2, RegionLevel.COMMUNITY: 3}


def regions_import(
    *, source: str | Path | IO[str], progress: Progress | None = None, every: int = PROGRESS_EVERY
) -> ImportReport:
    """Import regions from CSV ``code,name,level,parent_code[,case_prefix]``; rows may come in any order.

    Validation per row: code and name present and not too long, code not repeated in the file,
    level one of city/district/street/community, the parent (in the file or already stored) at the
    level just above (none for a city), an existing region's level unchanged (its children would
    no longer fit). Rows are applied top-down (cities first) so parents exist before children.
    ``case_prefix`` is only touched when the column is present.
    """
    rows = read_csv(source, required=REGION_COLUMNS, optional=REGION_OPTIONAL)
    has_prefix = any("case_prefix" in r.values for r in rows)
    existing = {r.code: r for r in Region.objects.all()}
    in_file: dict[str, CsvRow] = {}
    errors: list[RowError] = []

    for row in rows:  # first sweep: codes, so parents may appear below their children
        code = row.get("code")
        if code and code in in_file:
            errors.append(
                RowError(row.line, _("编码 %(code)s 与%(other)s重复") % {"code": code, "other": in_file[code].where})
            )
        elif code:
            in_file[code] = row

    for i, row in enumerate(rows, start=1):
        errors.extend(_region_row_errors(row, in_file, existing))
        report_progress(progress, "validate", i, len(rows), every)
    if errors:
        raise ImportRejected(errors)

    report = ImportReport()
    ordered = sorted(rows, key=lambda r: LEVEL_DEPTH[r.get("level")])
    with transaction.atomic():
        for i, row in enumerate(ordered, start=1):
            parent_code = row.get("parent_code")
            values: dict[str, Any] = {
                "name": row.get("name"),
                "level": row.get("level"),
                "parent_id": existing[parent_code].id if parent_code else None,
            }
            if has_prefix:
                values["case_prefix"] = row.get("case_prefix")
            region = existing.get(row.get("code"))
            if region is None:
                region = Region.objects.create(code=row.get("code"), **values)
                existing[region.code] = region
                report.count("created")
            elif apply_fields(region, values):
                region.save()
                report.count("updated")
            else:
                report.count("unchanged")
            report_progress(progress, "apply", i, len(ordered), every)
    return report


def _region_row_errors(row: CsvRow, in_file: dict[str, CsvRow], existing: dict[str, Region]) -> list[RowError]:
    def err(reason: str) -> RowError:
        return RowError(row.line, reason)

    errors = [e for e in [too_many_cells(row)] if e]
    code, name, level, parent_code = (row.get(c) for c in REGION_COLUMNS)
    prefix = row.get("case_prefix")
    if not code:
        errors.append(err(_("缺少编码（code）")))
    elif len(code) > 20:
        errors.append(err(_("编码过长（最多 20 个字符）")))
    if not name:
        errors.append(err(_("缺少名称（name）")))
    elif len(name) > 100:
        errors.append(err(_("名称过长（最多 100 个字符）")))
    if len(prefix) > 8:
        errors.append(err(_("案件编号前缀过长（最多 8 个字符）")))
    if level not in RegionLevel.values:
        errors.append(
            err(
                _("层级 %(level)r 无效（可选：%(choices)s）")
                % {"level": level, "choices": ", ".join(RegionLevel.values)}
            )
        )
        return errors
    stored = existing.get(code)
    if stored is not None and stored.level != level:
        errors.append(
            err(
                _("区域 %(code)s 已存在且层级为 %(old)s，不能改为 %(new)s")
                % {"code": code, "old": stored.level, "new": level}
            )
        )
    expected = REGION_PARENT_LEVEL.get(level)
    if expected is None:
        if parent_code:
            errors.append(err(_("市级区域不能有上级")))
        return errors
    if not parent_code:
        errors.append(err(_("缺少上级编码（parent_code）")))
        return errors
    if parent_code == code:
        errors.append(err(_("上级不能是自己")))
        return errors
    parent_level = (
        in_file[parent_code].get("level")
        if parent_code in in_file
        else getattr(existing.get(parent_code), "level", None)
    )
    if parent_level is None:
        errors.append(err(_("上级编码 %(code)s 不存在（文件中和系统中都没有）") % {"code": parent_code}))
    elif parent_level != expected:
        errors.append(
            err(
                _("上级 %(code)s 的层级是 %(actual)s，%(level)s 的上级必须是 %(expected)s")
                % {"code": parent_code, "actual": parent_level, "level": level, "expected": expected}
            )
        )
    return errors
