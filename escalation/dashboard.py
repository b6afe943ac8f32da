"""Reads (and the one bulk write loop) of the command centre's triage dashboard (指挥台).

Every read starts from ``cases.selectors.case_queryset_for(user)``, so a street officer sees only the
street, a community officer only the community. Each part is a fixed number of queries whatever the
number of cases:

- ``counters``: ONE aggregate query (``Count(filter=Q(...))`` per counter) over the open cases in scope;
- ``queue``: the filtered, sorted page — keyset ("seek") pagination on (sort column, id), so page 2000 costs
  what page 1 costs; an offset ``page`` is accepted up to ``MAX_OFFSET_PAGE`` only (deep offsets scan);
- ``grid_map``: the grids in scope and one grouped count of their open / overdue cases;
- ``whistles_in_flight``: summonses not yet reported in or responded to, most urgent first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import django_filters
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import OPEN_STATUSES, Status
from cases.filters import CaseFilter
from cases.models import Case, CaseDispatch
from cases.selectors import case_queryset_for, light_filter
from cases.services import case_transition
from core.durations import countdown_text
from governance.choices import Role
from governance.errors import DomainError, InvalidInput
from governance.models import Category, Department, Region
from grids.models import Grid

from .choices import SummonsStatus
from .models import Summons
from .selectors import summons_countdowns, summons_queryset_for

OPEN = [s.value for s in OPEN_STATUSES]
CASE_NUMBER = re.compile(r"[A-Za-z0-9]{1,8}-\d{4}-\d{6}")
PAGE_SIZE = 50
MAX_OFFSET_PAGE = 200
COUNT_CAP = 10_000
BULK_MAX = 200


def is_centre_user(user) -> bool:
    """The dashboard is for centre staff (community, street, district, city) and admins."""
    return bool(
        user.is_authenticated and (user.is_admin or (user.role == Role.CENTRE_STAFF and user.region_id is not None))
    )


# --- counters -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A named slice of the open cases: one counter on the dashboard, one preset of the queue."""

    key: str
    label: Any
    css: str = ""

    def q(self, now: datetime) -> Q:
        return VIEW_FILTERS[self.key](now)


VIEW_FILTERS = {
    "open": lambda now: Q(status__in=OPEN),
    "new": lambda now: Q(status=Status.REPORTED),
    "awaiting_dispatch": lambda now: Q(status=Status.ACCEPTED),
    "in_progress": lambda now: Q(status__in=[Status.DISPATCHED, Status.IN_PROGRESS]),
    "yellow": lambda now: light_filter("yellow", now),
    "red": lambda now: light_filter("red", now),
    "supervised": lambda now: Q(status__in=OPEN, supervised_at__isnull=False),
    "returned": lambda now: Q(status=Status.ACCEPTED, return_count__gt=0),
    "awaiting_verification": lambda now: Q(status=Status.RESOLVED),
    "all": lambda now: Q(),
}

COUNTERS = [
    View("new", gettext_lazy("新上报"), "blue"),
    View("awaiting_dispatch", gettext_lazy("待派遣"), "blue"),
    View("in_progress", gettext_lazy("处置中"), "purple"),
    View("yellow", gettext_lazy("黄灯"), "yellow"),
    View("red", gettext_lazy("红灯·超时"), "red"),
    View("supervised", gettext_lazy("督办中"), "red"),
    View("returned", gettext_lazy("被退单"), "grey"),
    View("awaiting_verification", gettext_lazy("待核查"), "green"),
]
VIEW_CHOICES = [
    ("open", gettext_lazy("全部未结")),
    *[(v.key, v.label) for v in COUNTERS],
    ("all", gettext_lazy("全部（含已结）")),
]


def counters(user, *, now: datetime | None = None) -> dict[str, int]:
    """The eight counters in ONE aggregate query over the open cases in the user's scope."""
    now = now or timezone.now()
    aggs = {v.key: Count("id", filter=v.q(now)) for v in COUNTERS}
    return case_queryset_for(user).filter(status__in=OPEN).aggregate(**aggs)


# --- the queue ------------------------------------------------------------------------------------------

SORTS = {
    "-reported_at": gettext_lazy("最新上报在前"),
    "reported_at": gettext_lazy("最早上报在前"),
    "due_at": gettext_lazy("最紧急在前（时限最早）"),
    "-due_at": gettext_lazy("时限最晚在前"),
}
DEFAULT_SORT = "-reported_at"


class QueueFilter(CaseFilter):
    """The case list's filters plus the dashboard's: a preset ``view`` (default: open cases) and the
    department a case is currently dispatched to (an active ``CaseDispatch``)."""

    view = django_filters.ChoiceFilter(choices=VIEW_CHOICES, method="filter_view", label=gettext_lazy("队列"))
    department = django_filters.NumberFilter(method="filter_department", label=gettext_lazy("承办部门"))

    def __init__(self, *args, now: datetime | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.filters.pop("ordering", None)
        for name in ("status", "level"):  # plain columns: no join, so no DISTINCT (it would sort every wide row)
            if name in self.filters:
                self.filters[name].distinct = False

    def filter_text(self, queryset, name, value):
        """A whole case number (``XG-2026-000123``) is looked up by the unique index; other text is searched in the
        number, title and address (a scan of the scope, bounded by it)."""
        value = (value or "").strip()
        if CASE_NUMBER.fullmatch(value):
            return queryset.filter(number=value.upper())
        return super().filter_text(queryset, name, value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("view") and "status" not in self.data:
            queryset = queryset.filter(status__in=OPEN)  # the queue shows open cases unless told otherwise
        return queryset

    def filter_light(self, queryset, name, value):
        return queryset.filter(light_filter(value, self.now)) if value else queryset

    def filter_view(self, queryset, name, value):
        return queryset.filter(VIEW_FILTERS[value](self.now)) if value else queryset

    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        active = CaseDispatch.objects.filter(case_id=OuterRef("pk"), department_id=value, active=True)
        return queryset.filter(Exists(active))


@dataclass
class Cursor:
    """Where a keyset page starts: the sort value and the id of the row just before (or after) it."""

    value: datetime | None
    pk: int

    def encode(self) -> str:
        return f"{self.value.isoformat() if self.value else 'null'}~{self.pk}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        if not raw:
            return None
        value, sep, pk = raw.rpartition("~")
        if not sep or not pk.isdigit():
            raise InvalidInput(_("翻页参数无效，请回到第一页"), code="cursor")
        if value == "null":
            return cls(None, int(pk))
        when = parse_datetime(value)
        if when is None:
            raise InvalidInput(_("翻页参数无效，请回到第一页"), code="cursor")
        return cls(when if timezone.is_aware(when) else timezone.make_aware(when), int(pk))


def _nullable(field_name: str) -> bool:
    return Case._meta.get_field(field_name).null


def _seek(field_name: str, descending: bool, cursor: Cursor) -> Q:
    """Rows strictly after ``cursor`` in the order (field, id), both ascending or both descending.

    NULL sorts as +infinity (last ascending, first descending: PostgreSQL's default, so its b-tree indexes
    serve the order). The redundant ``field <= v`` / ``field >= v`` conjunct makes the condition a range the
    index can seek to, so a deep page reads ``page_size`` rows, not every row before it.
    """
    f, v, pk = field_name, cursor.value, cursor.pk
    nullable = _nullable(f)
    if v is None:  # the cursor sits among the NULLs
        among_nulls = Q(**{f"{f}__isnull": True, "pk__lt" if descending else "pk__gt": pk})
        return (among_nulls | Q(**{f"{f}__isnull": False})) if descending else among_nulls
    if descending:
        q = Q(**{f"{f}__lte": v}) & (Q(**{f"{f}__lt": v}) | Q(pk__lt=pk))
        return q
    q = Q(**{f"{f}__gte": v}) & (Q(**{f"{f}__gt": v}) | Q(pk__gt=pk))
    return (q | Q(**{f"{f}__isnull": True})) if nullable else q


def ordering(sort: str) -> list:
    """ORDER BY of a queue sort key (``SORTS``), with the id as tie-breaker."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    return _order(sort.lstrip("-"), sort.startswith("-"))


def _order(field_name: str, descending: bool) -> list:
    if descending:
        return [F(field_name).desc(nulls_first=True) if _nullable(field_name) else F(field_name).desc(), "-pk"]
    return [F(field_name).asc(nulls_last=True) if _nullable(field_name) else F(field_name).asc(), "pk"]


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


def _rows_query(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("category", "grid", "community").prefetch_related(
        Prefetch(
            "dispatches",
            queryset=CaseDispatch.objects.filter(active=True, department__isnull=False).select_related("department"),
            to_attr="active_dispatches",
        )
    )


def clean_params(params) -> QueryDict:
    """The query without empty values: a filter form submits every field, and an empty ``status=`` is not a
    status (the filter would refuse it) — it means "any"."""
    out = QueryDict(mutable=True)
    for key, values in params.lists():
        kept = [v for v in values if v.strip()]
        if kept:
            out.setlist(key, kept)
    return out


def left_text(seconds: float) -> str:
    """The one countdown wording ("剩 3 小时" / "超时 2 天", ``core.durations``)."""
    return countdown_text(seconds)


def _int_param(params, name: str, default: int) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise InvalidInput(_("页码必须是正整数"), code="page")
    return int(raw)


def queue(user, params, *, now: datetime | None = None, page_size: int = PAGE_SIZE) -> tuple[QueueFilter, QueuePage]:
    """Filter the user's cases by ``params`` (a QueryDict) and return one page of the queue.

    Paging, in this order of precedence:
    1. ``after=<cursor>``: the page after that row (keyset seek on (sort column, id));
    2. ``before=<cursor>``: the page before that row (the seek run backwards, then flipped);
    3. ``page=N`` (N ≤ MAX_OFFSET_PAGE): offset jump, for the first pages only;
    4. nothing: the first page.
    ``pn`` carries the page number shown. Three queries: the capped count, the page, the prefetch of the
    page's active department dispatches. Raises InvalidInput for a bad cursor or page.
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
    total = qs.order_by()[: COUNT_CAP + 1].count()
    result = QueuePage(rows=[], sort=sort, page_number=number)
    result.errors = {k: [str(e) for e in v] for k, v in fs.errors.items()}
    result.total, result.total_capped = min(total, COUNT_CAP), total > COUNT_CAP
    rows_qs = _rows_query(qs)
    if after is not None:
        rows = list(
            rows_qs.filter(_seek(field_name, descending, after)).order_by(*_order(field_name, descending))[
                : page_size + 1
            ]
        )
        more_after, more_before = len(rows) > page_size, True
        rows = rows[:page_size]
    elif before is not None:
        rows = list(
            rows_qs.filter(_seek(field_name, not descending, before)).order_by(*_order(field_name, not descending))[
                : page_size + 1
            ]
        )
        more_before, more_after = len(rows) > page_size, True
        rows = list(reversed(rows[:page_size]))
    else:
        start = (page - 1) * page_size
        rows = list(rows_qs.order_by(*_order(field_name, descending))[start : start + page_size + 1])
        more_after, more_before = len(rows) > page_size, page > 1
        rows = rows[:page_size]
    for case in rows:
        case.ui_light = case.light(now)
        left = (case.due_at - now).total_seconds() if case.due_at and case.ui_light else None
        case.ui_left_text = "" if left is None else left_text(left)
        case.ui_departments = [d.department.name for d in case.active_dispatches]
    result.rows = rows
    if rows:
        result.next_cursor = Cursor(getattr(rows[-1], field_name), rows[-1].pk).encode() if more_after else None
        result.prev_cursor = Cursor(getattr(rows[0], field_name), rows[0].pk).encode() if more_before else None
    return fs, result


# --- bulk actions ---------------------------------------------------------------------------------------

BULK_ACTIONS = {"accept": gettext_lazy("批量受理"), "dispatch": gettext_lazy("批量派遣")}
BULK_DONE = {"accept": gettext_lazy("已受理"), "dispatch": gettext_lazy("已派遣")}
DISPATCH_TARGETS = {
    "departments": gettext_lazy("派往所选职能部门"),
    "grid": gettext_lazy("派回各自网格团队"),
    "community": gettext_lazy("派往各自社区综治中心"),
}


@dataclass
class BulkOutcome:
    case_id: int
    number: str
    ok: bool
    message: str


@dataclass
class BulkResult:
    action: str
    outcomes: list[BulkOutcome]

    @property
    def succeeded(self) -> list[BulkOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def refused(self) -> list[BulkOutcome]:
        return [o for o in self.outcomes if not o.ok]


def bulk_apply(
    *,
    actor,
    case_ids: list[int],
    action: str,
    target: str = "",
    department_ids: list[int] | None = None,
    note: str = "",
    now: datetime | None = None,
) -> BulkResult:
    """Apply ``accept`` or ``dispatch`` to each selected case through ``case_transition`` — each case in its own
    transaction, so one refusal (already dispatched by someone else, out of scope, wrong state) changes
    nothing for that case and does not undo the others. Returns an outcome per case, in the order given.

    Dispatch targets: ``departments`` (the selected departments, for every case), ``grid`` (each case's own
    grid team), ``community`` (each case's own community centre).
    """
    if action not in BULK_ACTIONS:
        raise InvalidInput(_("未知的批量操作"), code="action")
    ids = list(dict.fromkeys(int(i) for i in case_ids))
    if not ids:
        raise InvalidInput(_("请先勾选要处理的案件"), code="empty")
    if len(ids) > BULK_MAX:
        raise InvalidInput(_("一次最多处理 %(n)s 件") % {"n": BULK_MAX}, code="too_many")
    data: dict[str, Any] = {}
    if action == "dispatch":
        if target not in DISPATCH_TARGETS:
            raise InvalidInput(_("请选择派遣对象"), code="target")
        if target == "departments":
            if not department_ids:
                raise InvalidInput(_("请至少选择一个职能部门"), code="departments")
            data["departments"] = list(department_ids)
        elif target == "grid":
            data["to_grid"] = True
    visible = dict(case_queryset_for(actor).filter(pk__in=ids).values_list("pk", "number"))
    regions = dict(Case.objects.filter(pk__in=list(visible)).values_list("pk", "community_id"))
    outcomes = []
    for case_id in ids:
        number = visible.get(case_id)
        if number is None:
            outcomes.append(BulkOutcome(case_id, f"#{case_id}", False, _("事件不存在或不在您的辖区")))
            continue
        kwargs = dict(data)
        if action == "dispatch" and target == "community":
            if not regions.get(case_id):
                outcomes.append(BulkOutcome(case_id, number, False, _("该事件没有所属社区")))
                continue
            kwargs["region"] = regions[case_id]
        try:
            case_transition(case_id=case_id, action=action, actor=actor, note=note, now=now, **kwargs)
        except DomainError as exc:
            outcomes.append(BulkOutcome(case_id, number, False, exc.message))
        else:
            outcomes.append(BulkOutcome(case_id, number, True, str(BULK_DONE[action])))
    return BulkResult(action, outcomes)


def scope_region_ids(user) -> list[int] | None:
    """The user's region and every region below it in ONE query (None for admins: everything).

    Kept on the user object, so a request asks the database once however many parts of the page need it.
    """
    if user.is_admin or not user.region_id:
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
        cached = list(qs.values("id", "code", "name", "boundary", "community__name"))
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


def grid_map(user, *, now: datetime | None = None) -> list[MapCell]:
    """The grids in scope (as ``grids.selectors.grids_visible_to`` draws it for centre staff: every grid under the
    user's region) with their open and overdue (red) case counts — two queries."""
    now = now or timezone.now()
    cells = [
        MapCell(g["id"], g["code"], g["name"], g["boundary"], community=g.get("community__name") or "")
        for g in scope_grids(user)
    ]
    counts = {
        r["grid_id"]: r
        for r in case_queryset_for(user)
        .filter(status__in=OPEN, grid__isnull=False)
        .order_by()
        .values("grid_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=light_filter("red", now)))
    }
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
    waiting = summons_queryset_for(user).filter(status__in=[SummonsStatus.SUMMONED, SummonsStatus.REPORTED_IN])
    total = waiting.count()
    rows = []
    for s in waiting.select_related("whistle", "case", "department").order_by("report_in_due_at", "id")[: limit * 2]:
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
        Category.objects.filter(parent__isnull=False, active=True).order_by("code").values_list("code", "name")
    )
    return {
        "grids": [(g["id"], f"{g['name']}（{g['code']}）") for g in grids],
        "communities": list(communities.values_list("id", "name")[:2000]),
        "categories": categories,
        "departments": department_choices(user),
    }
