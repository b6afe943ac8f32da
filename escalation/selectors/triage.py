"""Reads of the command centre's triage dashboard (指挥台).

Every read starts from ``cases.selectors.case_queryset_for(user)``, so a street officer sees only the
street, a community officer only the community. Each part is a fixed number of queries whatever the
number of cases:

- ``counters``: ONE aggregate query (``Count(filter=Q(...))`` per counter) over the open cases in scope;
- ``queue``: the filtered, sorted page — keyset ("seek") pagination on (sort column, id) (``escalation.paging``),
  so page 2000 costs what page 1 costs; an offset ``page`` is accepted up to ``MAX_OFFSET_PAGE`` only;
- ``grid_map``: the grids in scope and one grouped count of their open / overdue cases;
- ``whistles_in_flight``: summonses not yet reported in or responded to, most urgent first.

The queue's filters live in ``escalation.filters``, the bulk actions in ``escalation.services.bulk``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.db.models.sql.constants import MULTI
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATUSES, Status
from cases.models import Case, CaseDispatch
from cases.selectors import case_queryset_for
from core.errors import InvalidInput
from core.hostile_input import whole_number
from core.labels import name_within
from core.roles import is_admin
from governance.models import Category, Department, Region
from grids.geo import boundary_from_text
from grids.models import Grid

from ..choices import SummonsStatus
from ..display import left_text
from ..filters import COUNTERS, DEFAULT_SORT, FLAGS, SORTS, QueueFilter
from ..models import Summons
from ..paging import Cursor, order_by_key, seek_after
from . import summons_countdowns, summons_queryset_for

OPEN = [s.value for s in OPEN_STATUSES]
PAGE_SIZE = 50
MAX_OFFSET_PAGE = 200
COUNT_CAP = 10_000


# --- counters -----------------------------------------------------------------------------------------


def counters(user, *, now: datetime | None = None) -> dict[str, int]:
    """The eight counters of the open cases in the user's scope (``open_counts``' first half: one grouped query)."""
    return open_counts(user, now=now).counters


GridCounts = dict[int, dict[str, int]]


class OpenCounts(NamedTuple):
    """What ``open_counts`` reads in one query: the eight counters, the map's counts per grid, and all open cases
    (the queue's default view — its total on the full page, ``queue(..., counted=…)``)."""

    counters: dict[str, int]
    by_grid: GridCounts
    open: int

    def view_totals(self) -> dict[str, int]:
        """The queue's total for each view these counts decide: the counters' and ``open``."""
        return {**self.counters, "open": self.open}


def open_counts(user, *, now: datetime | None = None) -> OpenCounts:
    """The eight counters and the map's open / overdue counts per grid in ONE grouped query: the full page needs
    both, and a district's open cases (13,000 at 1M cases) are read once, by an index-only scan of the open-case
    index. The query counts per (grid, status): the cases, and those meeting each counter's flag (``FLAGS``: four
    filtered counts instead of one per counter — 16 → 9 ms for a district). Its rows (a district's 1,200) are read
    as the database sends them (counts need no conversion: Django's per-value converters were a fifth of the
    function) and added up once in Python: per status over all grids (cases without a grid included), then each
    counter is the sum over its statuses (``View.count``); a grid's open cases are the sum of its rows, its overdue
    its red counter's statuses' red counts."""
    now = now or timezone.now()
    flags = sorted({v.flag for v in COUNTERS if v.flag})
    grouped = (
        case_queryset_for(user)
        .filter(status__in=OPEN)
        .order_by()
        .values("grid_id", "status")
        .annotate(n=Count("id"), **{flag: Count("id", filter=FLAGS[flag](now)) for flag in flags})
    )
    columns = ("n", *flags)
    red = next(v for v in COUNTERS if v.key == "red")
    red_at, red_statuses = columns.index("red"), frozenset(red.statuses)
    by_status: dict[str, list[int]] = {}
    by_grid: GridCounts = {}
    for grid_id, status, *counts in _raw_rows(grouped, ("grid_id", "status", *columns)):
        summed = by_status.get(status)
        if summed is None:
            by_status[status] = list(counts)
        else:
            for i, value in enumerate(counts):
                summed[i] += value
        if grid_id is not None:
            cell = by_grid.get(grid_id)
            if cell is None:
                cell = by_grid[grid_id] = {"open": 0, "overdue": 0}
            cell["open"] += counts[0]
            if status in red_statuses:
                cell["overdue"] += counts[red_at]
    named = {status: dict(zip(columns, counts, strict=True)) for status, counts in by_status.items()}
    return OpenCounts(
        {v.key: v.count(named) for v in COUNTERS}, by_grid, sum(counts[0] for counts in by_status.values())
    )


def _raw_rows(qs: QuerySet, names: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The rows of a ``values()`` query as the database returns them — no per-value converters — in the order of
    ``names`` (checked against the compiler's columns, so a reordered query fails loudly instead of mixing counts)."""
    compiler = qs.query.get_compiler(using=qs.db)
    rows: list[tuple[Any, ...]] = []
    for chunk in compiler.execute_sql(MULTI) or ():
        rows.extend(chunk)
    selected = tuple(alias for _expr, _sql, alias in compiler.select or ())
    if rows and selected != names:
        raise RuntimeError(f"columns {selected} are not {names}")
    return rows


# --- the queue ------------------------------------------------------------------------------------------


@dataclass
class QueuePage:
    rows: list[Case]
    sort: str
    page_number: int
    next_cursor: str | None = None
    prev_cursor: str | None = None
    total: int = 0
    total_capped: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)


#: What a queue row shows, sorts and pages by (``views.dashboard._present_rows``, ``Case.light``, the cursors): the
#: case row is wide (descriptions, contacts, a dozen clocks) and a grid carries its boundary — a page of 50 rows built
#: every column into Python. A column missing here would be loaded row by row: the dashboard's query-count tests
#: would see it.
QUEUE_ROW_FIELDS = (
    "id",
    "number",
    "title",
    "reported_at",
    "due_at",
    "yellow_at",
    "status",
    "level",
    "grade",
    "supervised_at",
    "return_count",
    "handler_kind",
    "hold_until",
    "accept_due_at",
    "category",
    "category__name",
    "category__name_en",
    "grid",
    "grid__name",
    "community",
    "community__name",
)


def _rows_query(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("category", "grid", "community").only(*QUEUE_ROW_FIELDS)


def _dispatched_departments(case_ids: list[int]) -> dict[int, list[str]]:
    """The names of the departments each case is dispatched to now, in one query of two columns (a prefetch of
    the dispatch rows built two model instances per dispatch for one name)."""
    names: dict[int, list[str]] = {}
    active = CaseDispatch.objects.filter(case_id__in=case_ids, active=True, department__isnull=False).order_by("id")
    for case_id, name in active.values_list("case_id", "department__name"):
        names.setdefault(case_id, []).append(name)
    return names


def _last_returns(case_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each case's latest 退单 (its reason code and the returner's note), for the cases back in the queue after one:
    the dispatcher reads why before dispatching again (SCENARIOS §4). One query, only when such a row is shown."""
    latest: dict[int, tuple[str, str]] = {}
    if not case_ids:
        return latest
    returns = CaseDispatch.objects.filter(case_id__in=case_ids, returned_at__isnull=False)
    for case_id, reason, note in returns.order_by("case_id", "-returned_at", "-id").values_list(
        "case_id", "return_reason", "return_note"
    ):
        latest.setdefault(case_id, (reason, note))
    return latest


def clean_params(params) -> QueryDict:
    """The query without empty values: a filter form submits every field, and an empty ``status=`` is not a
    status (the filter would refuse it) — it means "any"."""
    out = QueryDict(mutable=True)
    for key, values in params.lists():
        kept = [v for v in values if v.strip()]
        if kept:
            out.setlist(key, kept)
    return out


def _int_param(params, name: str, default: int) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    number = whole_number(raw)
    if number is None:
        raise InvalidInput(_("页码必须是正整数"), code="page")
    return number


#: Query keys that choose a page of the queue (cursors, an offset page, the page number shown) …
PAGING = ("after", "before", "page", "pn")
#: … and with the view and the sort, every key that leaves the cases alone: with nothing else, the total is a
#: counter's (``queue(counted=…)``).
PAGE_KEYS = frozenset({*PAGING, "view", "sort"})


def queue(
    user,
    params,
    *,
    now: datetime | None = None,
    page_size: int = PAGE_SIZE,
    counted: Mapping[str, int] | None = None,
) -> tuple[QueueFilter, QueuePage]:
    """Filter the user's cases by ``params`` (a QueryDict) and return one page of the queue.

    Paging, in this order of precedence:
    1. ``after=<cursor>``: the page after that row (keyset seek on (sort column, id));
    2. ``before=<cursor>``: the page before that row (the seek run backwards, then flipped);
    3. ``page=N`` (N ≤ MAX_OFFSET_PAGE): offset jump, for the first pages only;
    4. nothing: the first page.
    ``pn`` carries the page number shown. Three queries: the capped count, the page, the prefetch of the
    page's active department dispatches. Raises InvalidInput for a bad cursor or page.

    ``counted``: the views' totals counted at ``now`` (``OpenCounts.view_totals``, the full page's counters): a
    queue filtered by nothing but a view takes its total from there instead of counting again.
    """
    now = now or timezone.now()
    params = clean_params(params)
    fs = QueueFilter(params, queryset=case_queryset_for(user), now=now)
    qs = fs.qs
    sort = params.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        sort = DEFAULT_SORT
    field_name, descending = sort.lstrip("-"), sort.startswith("-")
    after = Cursor.decode(params.get("after"))
    before = Cursor.decode(params.get("before"))
    page = _int_param(params, "page", 1)
    number = max(_int_param(params, "pn", page), 1)
    if page > MAX_OFFSET_PAGE and after is None and before is None:
        raise InvalidInput(
            _("只能直接跳转到前 %(n)s 页；更后面的请用“下一页”或缩小筛选范围") % {"n": MAX_OFFSET_PAGE}, code="page"
        )
    view = params.get("view") or "open"  # nothing but the page's keys: no status or light to say otherwise
    if counted is not None and set(params) <= PAGE_KEYS and view in counted:
        total = counted[view]
    else:
        total = qs.order_by()[: COUNT_CAP + 1].count()
    result = QueuePage(rows=[], sort=sort, page_number=number)
    result.errors = {k: [str(e) for e in v] for k, v in fs.errors.items()}
    result.total, result.total_capped = min(total, COUNT_CAP), total > COUNT_CAP
    rows_qs = _rows_query(qs)
    if after is not None:
        rows = list(
            rows_qs.filter(seek_after(field_name, descending, after)).order_by(*order_by_key(field_name, descending))[
                : page_size + 1
            ]
        )
        more_after, more_before = len(rows) > page_size, True
        rows = rows[:page_size]
    elif before is not None:
        rows = list(
            rows_qs.filter(seek_after(field_name, not descending, before)).order_by(
                *order_by_key(field_name, not descending)
            )[: page_size + 1]
        )
        more_before, more_after = len(rows) > page_size, True
        rows = list(reversed(rows[:page_size]))
    else:
        start = (page - 1) * page_size
        rows = list(rows_qs.order_by(*order_by_key(field_name, descending))[start : start + page_size + 1])
        more_after, more_before = len(rows) > page_size, page > 1
        rows = rows[:page_size]
    departments = _dispatched_departments([case.pk for case in rows]) if rows else {}
    returned = _last_returns([case.pk for case in rows if case.return_count and case.status == Status.ACCEPTED])
    for case in rows:
        setattr(case, "ui_last_return", returned.get(case.pk))  # noqa: B010 (an attribute of the page row)
        case.ui_light = case.light(now)
        left = (case.due_at - now).total_seconds() if case.due_at and case.ui_light else None
        case.ui_left_text = "" if left is None else left_text(left)
        case.ui_departments = departments.get(case.pk, [])
    result.rows = rows
    if rows:
        result.next_cursor = Cursor(getattr(rows[-1], field_name), rows[-1].pk).encode() if more_after else None
        result.prev_cursor = Cursor(getattr(rows[0], field_name), rows[0].pk).encode() if more_before else None
    return fs, result


def scope_region_ids(user) -> list[int] | None:
    """The user's region and every region below it in ONE query (None for admins: everything).

    Kept on the user object, so a request asks the database once however many parts of the page need it.
    """
    if is_admin(user) or not user.region_id:
        return None
    cached = getattr(user, "_dashboard_region_ids", None)
    if cached is None:
        rid = user.region_id
        cached = list(
            Region.objects.filter(
                Q(pk=rid) | Q(parent_id=rid) | Q(parent__parent_id=rid) | Q(parent__parent__parent_id=rid)
            ).values_list("pk", flat=True)
        )
        user._dashboard_region_ids = cached
    return cached


def scope_grids(user) -> list[dict]:
    """Active grids under the user's region (id, code, name, boundary), one query, kept for the request."""
    cached = getattr(user, "_dashboard_grids", None)
    if cached is None:
        qs = Grid.objects.filter(active=True).order_by("code")
        ids = scope_region_ids(user)
        if ids is not None:
            qs = qs.filter(community_id__in=ids)
        cached = list(qs.values("id", "code", "name", "community__name", boundary_text=Cast("boundary", TextField())))
        for g in cached:  # the map's shapes: each distinct boundary decoded once per process (grids.geo)
            g["boundary"] = boundary_from_text(g.pop("boundary_text"))
        user._dashboard_grids = cached
    return cached


def dispatch_departments(user) -> QuerySet[Department]:
    """Departments a centre user may dispatch to: active ones in their region, below it, or above it (its
    parent and grandparent, joined in the same query)."""
    qs = Department.objects.filter(active=True).order_by("code")
    ids = scope_region_ids(user)
    if ids is None:
        return qs
    rid = user.region_id
    return qs.filter(
        Q(region_id__in=ids) | Q(region__children__id=rid) | Q(region__children__children__id=rid)
    ).distinct()


def department_choices(user) -> list[tuple[int, str]]:
    """``dispatch_departments`` as (id, name) pairs, one query per request (kept on the user object)."""
    cached = getattr(user, "_dashboard_departments", None)
    if cached is None:
        cached = list(dispatch_departments(user).values_list("id", "name"))
        user._dashboard_departments = cached
    return cached


# --- the grid map ---------------------------------------------------------------------------------------


@dataclass
class MapCell:
    id: int
    code: str
    name: str
    boundary: dict | None
    open: int = 0
    overdue: int = 0
    community: str = ""


def grid_map(user, *, now: datetime | None = None, counts: GridCounts | None = None) -> list[MapCell]:
    """The grids in scope (as ``grids.selectors.grids_visible_to`` draws it for centre staff: every grid under the
    user's region) with their open and overdue (red) case counts (``open_counts``'s per-grid half) — two queries
    (one when ``counts`` are given)."""
    now = now or timezone.now()
    cells = [
        MapCell(g["id"], g["code"], g["name"], g["boundary"], community=g.get("community__name") or "")
        for g in scope_grids(user)
    ]
    if counts is None:
        counts = open_counts(user, now=now).by_grid
    for cell in cells:
        if cell.id in counts:
            cell.open, cell.overdue = counts[cell.id]["open"], counts[cell.id]["overdue"]
    return cells


# --- whistles in flight ----------------------------------------------------------------------------------


@dataclass
class WhistleRow:
    summons: Summons
    clock: Any  # the most urgent running Countdown
    light: str


def whistles_in_flight(user, *, now: datetime | None = None, limit: int = 20) -> tuple[list[WhistleRow], int]:
    """Summonses on cases in scope still waiting for the department (not reported in, or not responded),
    most urgent clock first; returns (rows, how many there are in all). Two queries."""
    now = now or timezone.now()
    # Only the relations the panel shows: the gate's own select_related (whistle region and blower, case street and
    # district, reporter) made a ten-table join that PostgreSQL took 7–12 ms to plan, with or without a row to find.
    waiting = (
        summons_queryset_for(user)
        .filter(status__in=[SummonsStatus.SUMMONED, SummonsStatus.REPORTED_IN])
        .select_related(None)
        .select_related("whistle", "case", "department")
    )
    total = waiting.count()
    rows = []
    for s in waiting.order_by("report_in_due_at", "id")[: limit * 2]:
        clocks = summons_countdowns(s, now)
        if not clocks:
            continue
        clock = min(clocks, key=lambda c: c.seconds_left)
        rows.append(WhistleRow(s, clock, clock.light))
    rows.sort(key=lambda r: r.clock.seconds_left)
    return rows[:limit], total


# --- filter choices ---------------------------------------------------------------------------------------


def filter_choices(user) -> dict[str, list]:
    """Choices for the queue's filter bar, limited to the user's scope (three small queries beyond the cached scope)."""
    grids = scope_grids(user)[:2000]
    scope = scope_region_ids(user)
    communities = Region.objects.filter(level="community").order_by("code")
    if scope is not None:
        communities = communities.filter(id__in=scope)
    categories = list(
        Category.objects.filter(parent__isnull=False, active=True).order_by("code").only("code", "name", "name_en")
    )
    return {
        "grids": [(g["id"], name_within(g["name"], g["code"])) for g in grids],
        "communities": list(communities.values_list("id", "name")[:2000]),
        "categories": [(c.code, c.label) for c in categories],
        "departments": department_choices(user),
    }
