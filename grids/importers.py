"""Bulk import of grids (GeoJSON) and of 1+1+N staffing (CSV), all-or-nothing and idempotent.

Same two passes as ``governance.importers``: validate every row and report every bad one with
where it is, then apply everything in one transaction as create / update / unchanged.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.hostile_input import whole_number
from governance.choices import RegionLevel, Role
from governance.importers import (
    PROGRESS_EVERY,
    CsvRow,
    ImportRejected,
    ImportReport,
    Progress,
    RowError,
    apply_fields,
    read_csv,
    report_progress,
    too_many_cells,
)
from governance.models import Region, User

from .choices import SINGLE_SEAT_ROLES, GridKind, StaffRole, StaffSource
from .geo import GeometryError, validate_boundary
from .models import Grid, GridAssignment
from .services import staff_assign

# --- Reading GeoJSON with the line where each feature starts -----------------------------------

_WS = " \t\n\r"
_decoder = json.JSONDecoder()


@dataclass
class Feature:
    index: int  # position in the "features" array (0-based, as in features[0])
    line: int  # line of the file where the feature's "{" is
    data: Any

    @property
    def where(self) -> str:
        return _("features[%(i)d]（第 %(line)d 行）") % {"i": self.index, "line": self.line}

    def error(self, reason: str) -> RowError:
        return RowError(self.line, reason, self.where)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _expect(text: str, pos: int, char: str) -> int:
    if pos >= len(text) or text[pos] != char:
        raise json.JSONDecodeError(f"Expecting {char!r}", text, pos)
    return pos + 1


def read_feature_collection(text: str) -> tuple[dict, list[Feature]]:
    """Parse a GeoJSON FeatureCollection, noting the line where each feature starts.

    How the line is found: the top-level object is walked by hand, member by member, with the
    standard JSON decoder's ``raw_decode(text, pos)`` decoding each key and value from a known
    offset. Inside the ``features`` array each element is decoded the same way, so the offset of
    its opening ``{`` is known exactly; the line number is the count of newlines before that
    offset (a binary search over the newline positions). Strings containing brackets or newlines
    cannot confuse it, because the real decoder reads every token.
    Raises ``json.JSONDecodeError`` (with its line) for text that is not JSON.
    """
    newlines = [i for i, c in enumerate(text) if c == "\n"]

    def line_of(offset: int) -> int:
        return bisect_right(newlines, offset - 1) + 1

    top: dict[str, Any] = {}
    features: list[Feature] = []
    pos = _expect(text, _skip_ws(text, 0), "{")
    pos = _skip_ws(text, pos)
    if pos < len(text) and text[pos] == "}":
        pos += 1
    else:
        while True:
            key, pos = _decoder.raw_decode(text, _skip_ws(text, pos))
            pos = _expect(text, _skip_ws(text, pos), ":")
            pos = _skip_ws(text, pos)
            if key == "features" and pos < len(text) and text[pos] == "[":
                pos = _skip_ws(text, pos + 1)
                items = []
                if pos < len(text) and text[pos] == "]":
                    pos += 1
                else:
                    while True:
                        start = _skip_ws(text, pos)
                        item, pos = _decoder.raw_decode(text, start)
                        features.append(Feature(len(features), line_of(start), item))
                        items.append(item)
                        pos = _skip_ws(text, pos)
                        if pos < len(text) and text[pos] == ",":
                            pos += 1
                            continue
                        pos = _expect(text, pos, "]")
                        break
                top[key] = items
            else:
                top[key], pos = _decoder.raw_decode(text, pos)
            pos = _skip_ws(text, pos)
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            pos = _expect(text, pos, "}")
            break
    if _skip_ws(text, pos) != len(text):
        raise json.JSONDecodeError("Extra data", text, _skip_ws(text, pos))
    return top, features


def _read_text(source: str | Path | IO[str]) -> str:
    if isinstance(source, str | Path):
        return Path(source).read_text(encoding="utf-8-sig")
    return source.read().removeprefix("\ufeff")


# --- Grids --------------------------------------------------------------------------------------

GRID_PROPERTIES = ("code", "name", "kind", "community_code", "households", "population")


def grids_import(
    *, source: str | Path | IO[str], progress: Progress | None = None, every: int = PROGRESS_EVERY
) -> ImportReport:
    """Import grids from a GeoJSON FeatureCollection.

    Properties: ``code, name, kind, community_code, households, population``.

    Validation per feature: a Feature with a valid Polygon/MultiPolygon geometry (lng/lat);
    code (unique in the file) and name present; kind one of the grid kinds; community_code an
    existing community (import regions first); households and population whole numbers ≥ 0
    (absent = 0). Grids are matched by code; a grid not in the file is left alone.
    """
    text = _read_text(source)
    try:
        top, features = read_feature_collection(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            [RowError(exc.lineno, _("JSON 格式错误：%(msg)s（第 %(col)d 列）") % {"msg": exc.msg, "col": exc.colno})]
        ) from exc
    if top.get("type") != "FeatureCollection" or not isinstance(top.get("features"), list):
        raise ImportRejected([RowError(1, _("文件必须是 GeoJSON FeatureCollection（含 features 数组）"))])

    communities = {r.code: r for r in Region.objects.filter(level=RegionLevel.COMMUNITY)}
    errors: list[RowError] = []
    seen: dict[str, Feature] = {}
    parsed: list[tuple[Feature, dict]] = []
    for feature in features:
        values, problems = _grid_values(feature, communities)
        code = values.get("code")
        if code and code in seen:
            problems.append(_("网格编码 %(code)s 与%(other)s重复") % {"code": code, "other": seen[code].where})
        elif code:
            seen[code] = feature
        errors.extend(feature.error(p) for p in problems)
        parsed.append((feature, values))
        report_progress(progress, "validate", feature.index + 1, len(features), every)
    if errors:
        raise ImportRejected(errors)

    report = ImportReport()
    existing = {g.code: g for g in Grid.objects.filter(code__in=list(seen))}
    with transaction.atomic():
        for i, (_feature, values) in enumerate(parsed, start=1):
            code = values.pop("code")
            grid = existing.get(code)
            if grid is None:
                Grid.objects.create(code=code, **values)
                report.count("created")
            elif apply_fields(grid, values):
                grid.save()
                report.count("updated")
            else:
                report.count("unchanged")
            report_progress(progress, "apply", i, len(parsed), every)
    return report


def _grid_values(feature: Feature, communities: dict[str, Region]) -> tuple[dict, list[str]]:
    """The Grid field values of one feature, and the problems found (empty when it is good)."""
    data = feature.data
    if not isinstance(data, dict) or data.get("type") != "Feature":
        return {}, [_("不是 GeoJSON Feature")]
    props = data.get("properties")
    if not isinstance(props, dict):
        return {}, [_("缺少 properties")]
    problems: list[str] = []
    values: dict[str, Any] = {}

    def text_prop(name: str, max_length: int) -> str:
        value = props.get(name)
        value = "" if value is None else str(value).strip()
        if not value:
            problems.append(_("缺少属性 %(name)s") % {"name": name})
        elif len(value) > max_length:
            problems.append(_("属性 %(name)s 过长（最多 %(n)d 个字符）") % {"name": name, "n": max_length})
        return value

    values["code"] = text_prop("code", 30)
    values["name"] = text_prop("name", 100)
    kind = props.get("kind") or GridKind.COMMUNITY
    if kind not in GridKind.values:
        problems.append(
            _("类型 %(kind)r 无效（可选：%(choices)s）") % {"kind": kind, "choices": ", ".join(GridKind.values)}
        )
    values["kind"] = kind
    community_code = str(props.get("community_code") or "").strip()
    community = communities.get(community_code)
    if not community_code:
        problems.append(_("缺少属性 community_code"))
    elif community is None:
        problems.append(_("社区编码 %(code)s 不存在（或不是社区级区域）") % {"code": community_code})
    values["community_id"] = community.id if community else None
    for name in ("households", "population"):
        raw = props.get(name, 0)
        if raw in (None, ""):
            raw = 0
        number = whole_number(raw)
        if number is None or number > 2**31 - 1:  # the column's range (PositiveIntegerField)
            problems.append(_("%(name)s 必须是不小于 0 的整数，而不是 %(value)r") % {"name": name, "value": raw})
        else:
            values[name] = number
    try:
        values["boundary"] = validate_boundary(data.get("geometry"))
    except GeometryError as exc:
        problems.append(str(exc))
    return values, problems


# --- Staffing (1+1+N) ---------------------------------------------------------------------------

STAFF_COLUMNS = ("grid_code", "username", "full_name", "phone", "role", "source")
STAFF_OPTIONAL = ("started_on",)
_username_validator = UnicodeUsernameValidator()


def staff_import(
    *, source: str | Path | IO[str], progress: Progress | None = None, every: int = PROGRESS_EVERY
) -> ImportReport:
    """Import grid staffing from CSV ``grid_code,username,full_name,phone,role,source[,started_on]``.

    A row is a seat: user ``username`` active on grid ``grid_code`` in ``role``. Users missing
    from the system are created (role grid worker, unusable password: they sign in after an
    admin sets one); an existing user's name and phone are updated from non-empty cells. Seats
    are written through ``staff_assign`` so the grid's permissions are granted.

    Refused (with the line): unknown grid, role or source; bad username or date; the same person
    twice on a grid; a second leader or full-time worker for a grid, in the file or beside the
    one already seated; a person already seated on that grid in another role (end it first).
    A row whose seat already exists is unchanged (or updated, if names, phone or start date differ).
    """
    rows = read_csv(source, required=STAFF_COLUMNS, optional=STAFF_OPTIONAL)
    grids = {g.code: g for g in Grid.objects.filter(code__in={r.get("grid_code") for r in rows})}
    users = {u.username: u for u in User.objects.filter(username__in={r.get("username") for r in rows})}
    seats = {
        (a.grid_id, a.user_id): a
        for a in GridAssignment.objects.filter(grid__in=grids.values(), ended_on__isnull=True).select_related("user")
    }
    holders = {(a.grid_id, a.role): a for a in seats.values() if a.role in SINGLE_SEAT_ROLES}

    errors: list[RowError] = []
    in_file_seat: dict[tuple[str, str], CsvRow] = {}
    in_file_role: dict[tuple[str, str], CsvRow] = {}
    plans: list[tuple[CsvRow, Grid, date | None]] = []
    for i, row in enumerate(rows, start=1):
        problems, grid, started_on = _staff_row_problems(row, grids, users, seats, holders)
        key = (row.get("grid_code"), row.get("username"))
        if key in in_file_seat:
            problems.append(_("同一人员在同一网格重复（见%(other)s）") % {"other": in_file_seat[key].where})
        else:
            in_file_seat[key] = row
        role = row.get("role")
        if role in SINGLE_SEAT_ROLES:
            seat = (row.get("grid_code"), role)
            if seat in in_file_role and in_file_role[seat].get("username") != row.get("username"):
                problems.append(
                    _("网格 %(grid)s 的%(role)s在文件中出现两次（见%(other)s）")
                    % {"grid": seat[0], "role": StaffRole(role).label, "other": in_file_role[seat].where}
                )
            in_file_role.setdefault(seat, row)
        errors.extend(RowError(row.line, p) for p in problems)
        if grid is not None:
            plans.append((row, grid, started_on))
        report_progress(progress, "validate", i, len(rows), every)
    if errors:
        raise ImportRejected(errors)

    report = ImportReport()
    with transaction.atomic():
        for i, (row, grid, started_on) in enumerate(plans, start=1):
            report.count(_staff_apply(row, grid, started_on, users, seats))
            report_progress(progress, "apply", i, len(plans), every)
    return report


def _staff_row_problems(
    row: CsvRow,
    grids: dict[str, Grid],
    users: dict[str, User],
    seats: dict[tuple[int, int], GridAssignment],
    holders: dict[tuple[int, str], GridAssignment],
) -> tuple[list[str], Grid | None, date | None]:
    problems = [e.reason for e in [too_many_cells(row)] if e]
    grid_code, username, full_name, phone, role, source = (row.get(c) for c in STAFF_COLUMNS)
    grid = grids.get(grid_code)
    if not grid_code:
        problems.append(_("缺少网格编码（grid_code）"))
    elif grid is None:
        problems.append(_("网格 %(code)s 不存在（请先导入网格）") % {"code": grid_code})
    try:
        _username_validator(username)
        if not username or len(username) > 150:
            raise ValidationError("length")
    except ValidationError:
        problems.append(_("用户名 %(name)r 无效（字母、数字和 @/./+/-/_，最多 150 个字符）") % {"name": username})
    if len(full_name) > 50:
        problems.append(_("姓名过长（最多 50 个字符）"))
    if len(phone) > 20:
        problems.append(_("手机号过长（最多 20 个字符）"))
    if role not in StaffRole.values:
        problems.append(_("岗位 %(v)r 无效（可选：%(c)s）") % {"v": role, "c": ", ".join(StaffRole.values)})
    if source not in StaffSource.values:
        problems.append(_("来源 %(v)r 无效（可选：%(c)s）") % {"v": source, "c": ", ".join(StaffSource.values)})
    started_on = None
    if row.get("started_on"):
        try:
            started_on = date.fromisoformat(row.get("started_on"))
        except ValueError:
            problems.append(_("起始日期 %(v)r 无效（格式 YYYY-MM-DD）") % {"v": row.get("started_on")})
    user = users.get(username)
    if grid is not None and role in StaffRole.values:
        seat = seats.get((grid.id, user.id)) if user else None
        if seat is not None and seat.role != role:
            problems.append(
                _("%(user)s 已在网格 %(grid)s 担任%(role)s，请先结束该任职")
                % {"user": username, "grid": grid_code, "role": seat.get_role_display()}
            )
        holder = holders.get((grid.id, role))
        if holder is not None and holder.user.username != username:
            problems.append(
                _("网格 %(grid)s 已有在岗%(role)s（%(user)s），请先结束其任职")
                % {"grid": grid_code, "role": StaffRole(role).label, "user": holder.user}
            )
    return problems, grid, started_on


def _staff_apply(
    row: CsvRow,
    grid: Grid,
    started_on: date | None,
    users: dict[str, User],
    seats: dict[tuple[int, int], GridAssignment],
) -> str:
    """Write one validated row; return its outcome: "created", "updated" or "unchanged"."""
    username, full_name, phone = row.get("username"), row.get("full_name"), row.get("phone")
    outcome = "unchanged"
    user = users.get(username)
    if user is None:
        user = User(username=username, full_name=full_name, phone=phone, role=Role.GRID_WORKER)
        user.set_unusable_password()
        user.save()
        users[username] = user
    else:
        details = {k: v for k, v in {"full_name": full_name, "phone": phone}.items() if v}
        if apply_fields(user, details):
            user.save(update_fields=list(details))
            outcome = "updated"
    seat = seats.get((grid.id, user.id))
    if seat is None:
        seats[(grid.id, user.id)] = staff_assign(
            grid=grid, user=user, role=row.get("role"), source=row.get("source"), started_on=started_on
        )
        return "created"
    changes = {"source": row.get("source"), **({"started_on": started_on} if started_on else {})}
    if apply_fields(seat, changes):
        seat.save(update_fields=list(changes))
        outcome = "updated"
    return outcome
