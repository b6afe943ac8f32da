"""Imports of a 网格采集 sheet (CSV or XLSX): buildings and houses, and residents.

Rules (the issue's): every bad row is reported with its line number; if one row is bad nothing is
imported; importing the same file twice changes nothing the second time (houses are keyed by
grid + building + unit + number, residents by their 公民身份号码 — or, without one, by house + name);
``checked(done, total)`` is called every ``PROGRESS_EVERY`` rows while the file is checked, ``progress(done, total)``
while it is written. Validation reads the whole file first; writing happens in one transaction with bulk
inserts/updates (a few queries per 1,000 rows). The web import runs this as a Celery task with a progress record
(``ImportJob``, ``residents.services.import_job_run``).

Columns (first row is the header; order free; * = required):

houses:    网格编码*, 小区, 楼栋*, 楼栋地址, 层数, 单元数, 单元*, 楼层*, 门牌号*, 用途 (自住/出租/空置/商用), 纬度, 经度
residents: 网格编码*, 楼栋*, 单元*, 门牌号*, 姓名*, 性别 (男/女), 出生日期 (YYYY-MM-DD), 民族, 公民身份号码,
           联系方式, 人口类型 (户籍人口/流动人口/境外人员), 户籍地, 户籍详址, 户号, 与户主关系 (户主/配偶/子女/…),
           人户一致 (是/否), 流入原因, 办证类型, 登记日期, 证件到期日期, 住所类型
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from core.masking import mask_phone
from grids.models import Grid

from .choices import HouseUse, InflowReason, PopulationKind, Relation, ResidenceType, Sex
from .crypto import blind_index, encrypt
from .identity import (
    InvalidIdNumber,
    birth_date_of,
    mask_id_number,
    sex_of,
    validate_id_number,
    validate_phone,
)
from .models import Building, Compound, House, Resident
from .validators import validate_birth_date, validate_permit_dates
from .visibility import may_write_in_grid, reach_of

PROGRESS_EVERY = 500
HOUSE_COLUMNS = [
    "网格编码",
    "小区",
    "楼栋",
    "楼栋地址",
    "层数",
    "单元数",
    "单元",
    "楼层",
    "门牌号",
    "用途",
    "纬度",
    "经度",
]
HOUSE_REQUIRED = ["网格编码", "楼栋", "单元", "楼层", "门牌号"]
RESIDENT_COLUMNS = [
    "网格编码", "楼栋", "单元", "门牌号", "姓名", "性别", "出生日期", "民族", "公民身份号码", "联系方式", "人口类型",
    "户籍地", "户籍详址", "户号", "与户主关系", "人户一致", "流入原因", "办证类型", "登记日期", "证件到期日期",
    "住所类型",
]  # fmt: skip
RESIDENT_REQUIRED = ["网格编码", "楼栋", "单元", "门牌号", "姓名"]


#: The messages with parameters a row's error is made from. An import keeps its errors in the message ids' language
#: (``services.import_job_run``); the job's page shows them in the reader's through ``core.stored_text``, which
#: matches a kept error to its template here (registered in ``ResidentsConfig.ready()``). The parameters are data:
#: the sheet's own column names and values.
TEMPLATES = [
    N_("无法读取 XLSX 文件：%(e)s"),
    N_("缺少列：%(c)s"),
    N_("未知的列：%(c)s"),
    N_("%(label)s过长（最多 %(n)s 个字符）"),
    N_("%(label)s应为整数：%(v)s"),
    N_("%(label)s不能小于%(m)s"),
    N_("%(label)s不能大于%(m)s"),
    N_("%(label)s应为数字：%(v)s"),
    N_("%(label)s应在 %(lo)s 到 %(hi)s 之间"),
    N_("%(label)s应为日期（YYYY-MM-DD）：%(v)s"),
    N_("%(label)s的值无效：%(v)s"),
    N_("“%(c)s”必须填写"),
    N_("网格“%(c)s”不存在或不在您的范围内"),
    N_("房屋地址过长（最多 %(n)s 个字符），请缩短楼栋地址或楼栋"),
    N_("与第%(l)s行重复"),
    N_("房屋“%(b)s %(u)s单元 %(n)s”不存在，请先导入房屋"),
    N_("公民身份号码与第%(l)s行重复"),
]


@dataclass
class RowError:
    line: int
    message: str


class ImportFailed(Exception):
    """The file has bad rows (or no usable header); nothing was imported."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def read_rows(*, name: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line number, {header: text}) for each non-empty row of a .csv (UTF-8, BOM allowed; GB18030 tried
    next) or .xlsx file. Line 1 is the header."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:
            raise ImportFailed([RowError(0, _("无法读取 XLSX 文件：%(e)s") % {"e": exc})]) from exc
        raw = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    elif lower.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFailed([RowError(0, _("CSV 文件编码无法识别（请用 UTF-8）"))])
        raw = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise ImportFailed([RowError(0, _("只支持 .csv 和 .xlsx 文件"))])
    if not raw:
        raise ImportFailed([RowError(1, _("文件是空的"))])
    header = [h.strip() for h in raw[0]]
    rows = []
    for i, values in enumerate(raw[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        rows.append((i, {h: (values[j].strip() if j < len(values) else "") for j, h in enumerate(header) if h}))
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_header(rows: list[tuple[int, dict[str, str]]], required: list[str], known: list[str]) -> None:
    present = set(rows[0][1]) if rows else set()
    missing = [c for c in required if c not in present]
    unknown = sorted(present - set(known))
    errors = []
    if missing:
        errors.append(RowError(1, _("缺少列：%(c)s") % {"c": _("、").join(missing)}))
    if unknown:
        errors.append(RowError(1, _("未知的列：%(c)s") % {"c": _("、").join(unknown)}))
    if not rows:
        errors.append(RowError(1, _("文件中没有数据行")))
    if errors:
        raise ImportFailed(errors)


def _text(row: dict[str, str], label: str, column: models.Field) -> str:
    """The text of column ``label``, refused when longer than the model's ``column`` holds: PostgreSQL failed the
    whole import on it (a DataError, no line), SQLite kept what no form accepts."""
    text = row.get(label, "")
    if column.max_length is not None and len(text) > column.max_length:
        raise ValueError(_("%(label)s过长（最多 %(n)s 个字符）") % {"label": label, "n": column.max_length})
    return text


def _int(text: str, label: str, *, column: models.Field, minimum: int | None = None, default: int | None = None) -> int:
    """A whole number within ``minimum`` and the range of the model's integer ``column`` (the same on every
    database: SQLite would keep 99999 in a smallint that PostgreSQL refuses)."""
    if text == "" and default is not None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(_("%(label)s应为整数：%(v)s") % {"label": label, "v": text}) from None
    low, high = BaseDatabaseOperations.integer_field_ranges[column.get_internal_type()]
    low = low if minimum is None else max(low, minimum)
    if value < low:
        raise ValueError(_("%(label)s不能小于%(m)s") % {"label": label, "m": low})
    if value > high:
        raise ValueError(_("%(label)s不能大于%(m)s") % {"label": label, "m": high})
    return value


def _float(text: str, label: str, *, limit: int) -> float | None:
    """A number within ±``limit`` (90 for a latitude, 180 for a longitude); NaN and infinity are refused too."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(_("%(label)s应为数字：%(v)s") % {"label": label, "v": text}) from None
    if not -limit <= value <= limit:
        raise ValueError(_("%(label)s应在 %(lo)s 到 %(hi)s 之间") % {"label": label, "lo": -limit, "hi": limit})
    return value


def _date(text: str, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise ValueError(_("%(label)s应为日期（YYYY-MM-DD）：%(v)s") % {"label": label, "v": text}) from None


def _valid(rule: Callable[..., None], *values: Any) -> None:
    """A rule of ``residents.validators`` as a row's error (its message is the row's)."""
    try:
        rule(*values)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None


def _choice(text: str, choices, label: str, default: str = "") -> str:
    if not text:
        return default
    for value, name in choices.choices:
        if text in (value, str(name)):
            return value
    raise ValueError(_("%(label)s的值无效：%(v)s") % {"label": label, "v": text})


def _scoped_grids(actor: Any, codes: set[str]) -> dict[str, Grid]:
    reach = reach_of(actor)
    grids = Grid.objects.filter(code__in=codes)
    return {g.code: g for g in grids if may_write_in_grid(reach, grid_id=g.id, community_id=g.community_id)}


Progress = Callable[[int, int], None]


def import_houses(
    *,
    actor: Any,
    rows: list[tuple[int, dict[str, str]]],
    progress: Progress | None = None,
    checked: Progress | None = None,
) -> ImportResult:
    """Buildings (and compounds) and houses. See the module docstring for the columns and rules."""
    _check_header(rows, HOUSE_REQUIRED, HOUSE_COLUMNS)
    grids = _scoped_grids(actor, {r["网格编码"] for _l, r in rows})
    # A home's address is made from its building's (``Building.house_address``): checked against the column with
    # the building it will be in — the one already kept, else the one this file makes (from the building's first row).
    buildings_of_homes = {(b.grid_id, b.name): b for b in Building.objects.filter(grid__in=list(grids.values()))}
    house_address = House._meta.get_field("address")
    errors: list[RowError] = []
    parsed = []
    seen: dict[tuple, int] = {}
    for i, (line, r) in enumerate(rows, start=1):
        if checked and i % PROGRESS_EVERY == 0:
            checked(i, len(rows))
        try:
            for col in HOUSE_REQUIRED:
                if not r.get(col):
                    raise ValueError(_("“%(c)s”必须填写") % {"c": col})
            grid = grids.get(r["网格编码"])
            if grid is None:
                raise ValueError(_("网格“%(c)s”不存在或不在您的范围内") % {"c": r["网格编码"]})
            item: dict[str, Any] = {
                "grid": grid,
                "compound": _text(r, "小区", Compound._meta.get_field("name")),
                "building": _text(r, "楼栋", Building._meta.get_field("name")),
                "building_address": _text(r, "楼栋地址", Building._meta.get_field("address")),
                "floors": _int(
                    r.get("层数", ""), "层数", column=Building._meta.get_field("floors"), minimum=1, default=1
                ),
                "units": _int(
                    r.get("单元数", ""), "单元数", column=Building._meta.get_field("units"), minimum=1, default=1
                ),
                "unit": _int(r["单元"], "单元", column=House._meta.get_field("unit"), minimum=1),
                "floor": _int(r["楼层"], "楼层", column=House._meta.get_field("floor")),
                "number": _text(r, "门牌号", House._meta.get_field("number")),
                "use": _choice(r.get("用途", ""), HouseUse, "用途", HouseUse.OWNER),
                "lat": _float(r.get("纬度", ""), "纬度", limit=90),
                "lng": _float(r.get("经度", ""), "经度", limit=180),
            }
            where = (grid.id, item["building"])
            if where not in buildings_of_homes:
                made = item["building_address"] or f"{item['compound']}{item['building']}"
                buildings_of_homes[where] = Building(name=item["building"], address=made)
            address = buildings_of_homes[where].house_address(item["unit"], item["number"])
            if len(address) > cast(int, house_address.max_length):
                raise ValueError(
                    _("房屋地址过长（最多 %(n)s 个字符），请缩短楼栋地址或楼栋") % {"n": house_address.max_length}
                )
            key = (grid.id, item["building"], item["unit"], item["number"])
            if key in seen:
                raise ValueError(_("与第%(l)s行重复") % {"l": seen[key]})
            seen[key] = line
            parsed.append(item)
        except ValueError as exc:
            errors.append(RowError(line, str(exc)))
    if errors:
        raise ImportFailed(errors)
    result = ImportResult(extra={"buildings": 0})
    with transaction.atomic():
        compounds: dict[tuple[int, str], Compound] = {}
        buildings: dict[tuple[int, str], Building] = {
            (b.grid_id, b.name): b for b in Building.objects.filter(grid__in={p["grid"].id for p in parsed})
        }
        for p in parsed:
            key = (p["grid"].id, p["building"])
            if key in buildings:
                continue
            compound = None
            if p["compound"]:
                ckey = (p["grid"].community_id, p["compound"])
                if ckey not in compounds:
                    compounds[ckey], _made = Compound.objects.get_or_create(community_id=ckey[0], name=ckey[1])
                compound = compounds[ckey]
            floors = max(q["floor"] for q in parsed if (q["grid"].id, q["building"]) == key)
            units = max(q["unit"] for q in parsed if (q["grid"].id, q["building"]) == key)
            buildings[key] = Building.objects.create(
                grid=p["grid"],
                compound=compound,
                name=p["building"],
                address=p["building_address"] or f"{p['compound']}{p['building']}",
                floors=max(p["floors"], floors),
                units=max(p["units"], units),
                lat=p["lat"],
                lng=p["lng"],
            )
            result.extra["buildings"] += 1
        existing = {
            (h.building_id, h.unit, h.number): h
            for h in House.objects.filter(building__in=[b.id for b in buildings.values()])
        }
        new, changed = [], []
        for i, p in enumerate(parsed, start=1):
            b = buildings[(p["grid"].id, p["building"])]
            house = existing.get((b.id, p["unit"], p["number"]))
            if house is None:
                new.append(
                    House(
                        grid=p["grid"],
                        building=b,
                        unit=p["unit"],
                        floor=p["floor"],
                        number=p["number"],
                        address=b.house_address(cast(int, p["unit"]), str(p["number"])),
                        use=p["use"],
                        lat=p["lat"],
                        lng=p["lng"],
                    )
                )
            elif (house.floor, house.use, house.lat, house.lng) != (p["floor"], p["use"], p["lat"], p["lng"]):
                house.floor, house.use, house.lat, house.lng = p["floor"], p["use"], p["lat"], p["lng"]
                changed.append(house)
            else:
                result.unchanged += 1
            if progress and i % PROGRESS_EVERY == 0:
                progress(i, len(parsed))
        House.objects.bulk_create(new, batch_size=1000)
        House.objects.bulk_update(changed, ["floor", "use", "lat", "lng"], batch_size=1000)
        result.created, result.updated = len(new), len(changed)
    if progress:
        progress(len(parsed), len(parsed))
    return result


SAVED_RESIDENT_FIELDS = [
    "name", "sex", "birth_date", "ethnicity", "kind", "hukou_place", "hukou_address", "household_number", "relation",
    "hukou_matches", "inflow_reason", "permit_type", "registered_on", "permit_expires_on", "residence_type",
    "grid_id", "house_id", "phone_enc", "phone_hmac", "phone_masked",
]  # fmt: skip


def import_residents(
    *,
    actor: Any,
    rows: list[tuple[int, dict[str, str]]],
    progress: Progress | None = None,
    checked: Progress | None = None,
) -> ImportResult:
    """Residents into existing houses (import the houses first). See the module docstring."""
    _check_header(rows, RESIDENT_REQUIRED, RESIDENT_COLUMNS)
    grids = _scoped_grids(actor, {r["网格编码"] for _l, r in rows})
    houses = {
        (h.grid_id, h.building.name, h.unit, h.number): h
        for h in House.objects.filter(grid__in=list(grids.values()), building__isnull=False).select_related("building")
    }
    errors: list[RowError] = []
    parsed: list[tuple[int, dict]] = []
    seen_ids: dict[str, int] = {}
    for i, (line, r) in enumerate(rows, start=1):
        if checked and i % PROGRESS_EVERY == 0:
            checked(i, len(rows))
        try:
            for col in RESIDENT_REQUIRED:
                if not r.get(col):
                    raise ValueError(_("“%(c)s”必须填写") % {"c": col})
            grid = grids.get(r["网格编码"])
            if grid is None:
                raise ValueError(_("网格“%(c)s”不存在或不在您的范围内") % {"c": r["网格编码"]})
            unit = _int(r["单元"], "单元", column=House._meta.get_field("unit"), minimum=1)
            house = houses.get((grid.id, r["楼栋"], unit, r["门牌号"]))
            if house is None:
                raise ValueError(
                    _("房屋“%(b)s %(u)s单元 %(n)s”不存在，请先导入房屋") % {"b": r["楼栋"], "u": unit, "n": r["门牌号"]}
                )
            number = ""
            if r.get("公民身份号码"):
                try:
                    number = validate_id_number(r["公民身份号码"])
                except InvalidIdNumber as exc:
                    raise ValueError(_(str(exc))) from None
                if number in seen_ids:
                    raise ValueError(_("公民身份号码与第%(l)s行重复") % {"l": seen_ids[number]})
                seen_ids[number] = line
            born = _date(r.get("出生日期", ""), "出生日期")
            sex = _choice(r.get("性别", ""), Sex, "性别")
            if number:
                if born and born != birth_date_of(number):
                    raise ValueError(_("出生日期与公民身份号码不一致"))
                if sex and sex != sex_of(number):
                    raise ValueError(_("性别与公民身份号码不一致"))
                born, sex = birth_date_of(number), sex_of(number)
            if not sex:
                raise ValueError(_("没有公民身份号码时必须填写性别"))
            _valid(validate_birth_date, born)
            try:
                phone = validate_phone(r.get("联系方式", ""))
            except ValueError as exc:
                raise ValueError(_(str(exc))) from None
            kind = _choice(r.get("人口类型", ""), PopulationKind, "人口类型", PopulationKind.REGISTERED)
            floating = kind == PopulationKind.FLOATING
            registered_on = _date(r.get("登记日期", ""), "登记日期") if floating else None
            permit_expires_on = _date(r.get("证件到期日期", ""), "证件到期日期") if floating else None
            _valid(validate_permit_dates, registered_on, permit_expires_on)
            consistent = r.get("人户一致", "")
            if consistent not in ("", "是", "否"):
                raise ValueError(_("人户一致应填“是”或“否”"))
            data = {
                "name": _text(r, "姓名", Resident._meta.get_field("name")),
                "sex": sex,
                "birth_date": born,
                "ethnicity": _text(r, "民族", Resident._meta.get_field("ethnicity")) or "汉族",
                "kind": kind,
                "hukou_place": _text(r, "户籍地", Resident._meta.get_field("hukou_place")),
                "hukou_address": _text(r, "户籍详址", Resident._meta.get_field("hukou_address")),
                "household_number": _text(r, "户号", Resident._meta.get_field("household_number")),
                "relation": _choice(r.get("与户主关系", ""), Relation, "与户主关系", Relation.HEAD),
                "hukou_matches": consistent != "否",
                "inflow_reason": _choice(r.get("流入原因", ""), InflowReason, "流入原因") if floating else "",
                "permit_type": _text(r, "办证类型", Resident._meta.get_field("permit_type")) if floating else "",
                "registered_on": registered_on,
                "permit_expires_on": permit_expires_on,
                "residence_type": _choice(r.get("住所类型", ""), ResidenceType, "住所类型") if floating else "",
                "grid_id": grid.id,
                "house_id": house.id,
                "id_number": number,
                "phone": phone,
            }
            parsed.append((line, data))
        except ValueError as exc:
            errors.append(RowError(line, str(exc)))
    if errors:
        raise ImportFailed(errors)

    result = ImportResult()
    with transaction.atomic():
        hmacs = {blind_index(d["id_number"]): d for _l, d in parsed if d["id_number"]}
        by_hmac = {r.id_number_hmac: r for r in Resident.objects.filter(id_number_hmac__in=list(hmacs))}
        no_id = [(d["house_id"], d["name"]) for _l, d in parsed if not d["id_number"]]
        by_house_name = {
            (r.house_id, r.name): r
            for r in Resident.objects.filter(house_id__in={h for h, _n in no_id}, id_number_hmac="")
        }
        outside = [
            line for line, d in parsed
            if d["id_number"] and (r := by_hmac.get(blind_index(d["id_number"]))) and r.grid_id not in
            {g.id for g in grids.values()}
        ]  # fmt: skip
        if outside:
            raise ImportFailed([RowError(line, _("该公民身份号码已在其他网格登记")) for line in outside])
        new, changed = [], []
        for i, (_line, d) in enumerate(parsed, start=1):
            hmac_value = blind_index(d["id_number"]) if d["id_number"] else ""
            current = by_hmac.get(hmac_value) if hmac_value else by_house_name.get((d["house_id"], d["name"]))
            values = {k: v for k, v in d.items() if k not in ("id_number", "phone")}
            if current is None or current.phone_hmac != blind_index(d["phone"]):
                values |= {
                    "phone_enc": encrypt(d["phone"]),
                    "phone_hmac": blind_index(d["phone"]),
                    "phone_masked": mask_phone(d["phone"]),
                }
            if current is None:
                new.append(
                    Resident(
                        **values,
                        id_number_enc=encrypt(d["id_number"]),
                        id_number_hmac=hmac_value,
                        id_number_masked=mask_id_number(d["id_number"]) if d["id_number"] else "",
                    )
                )
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                changed.append(current)
            else:
                result.unchanged += 1
            if progress and i % PROGRESS_EVERY == 0:
                progress(i, len(parsed))
        Resident.objects.bulk_create(new, batch_size=1000)
        Resident.objects.bulk_update(changed, SAVED_RESIDENT_FIELDS, batch_size=1000)
        result.created, result.updated = len(new), len(changed)
    if progress:
        progress(len(parsed), len(parsed))
    return result


IMPORTERS = {"houses": import_houses, "residents": import_residents}
