"""The assessment's reads (考核): the 三率 and the 数字城管 indicators of a scope, computed in SQL aggregates,
and the weight schemes that apply.

Everything here is a read over a user's ``cases.selectors.Scope``: its cases, and the dispatch and rating rows of
those cases — read by the place they copy from their case (``models.CasePlace``) when the scope is a place,
so a district's dispatches or ratings of a period come from ``(scope, time)`` indexes, not from joining every
case of the district. The functions group and count in the database and return a few rows of integers; no
case is loaded into Python. Rates are computed from those raw counts, which are always returned with them, so any
scheme (weights, weight of "basically satisfied") can be recomputed from a stored row.

Which date each count uses — the period is ``[start, end)``: local midnight of the first day to local
midnight after the last day (Asia/Shanghai):

- **received** (受理数): cases *reported* in the period (``reported_at``), merged duplicates left out
  (a duplicate is the same demand). Every case that reached the platform is owed a response, so a case
  nobody touched still counts here (otherwise ignoring cases would raise the rate).
- **responded in time** (按时响应数): of those, cases with a first response (accept, reject, dispatch,
  sign, self-handle or whistle: ``responded_at``) no later than ``response_due_at`` (the accept limit
  at filing). A case without a response limit counts once responded.
- **due** (应办结数): cases (not rejected, not merged) whose current deadline ``due_at`` falls in the
  period, plus cases closed in the period whose deadline lies outside it (closed early, or late).
  So a case closed in the period is always in the denominator, and the rate never exceeds 1.
- **completed** (办结数): cases whose status is ``closed`` and whose ``closed_at`` falls in the period
  (a reopened case has lost its ``closed_at``; a rejection or a merge is not a completion).
- **rated / satisfied / basic / unsatisfied** (评价数 …): ratings given in the period (``Rating.rated_at``).

Rates (``indicators.rates_for``): response = responded / received; completion = completed / due;
satisfaction = (satisfied + basic credit × basic) / rated (the credit is the scheme's, 1.0 in the seed
street's scheme, 0.9 in Beijing's). A rate whose denominator is 0 is ``None`` (shown "—"); the composite
is the weighted sum of the rates that exist, divided by the sum of their weights (a grid with nothing
rated is judged on the other two), ``None`` when no rate exists.

Attribution: grid / community / street rows by the case's place; person rows by ``resolved_by`` (the
person who resolved the case, all counts restricted to cases they resolved). Department rows add up the
sources in ``DEPARTMENT_SOURCES``: dispatches (``CaseDispatch``) and summonses (吹哨报到, ``escalation``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models import Case as DbCase
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import Status
from cases.models import Case, CaseDispatch, Rating
from cases.selectors import Scope
from core.errors import InvalidInput
from core.labels import name_within
from core.places import PLACE_COLUMN
from escalation.choices import SummonsStatus
from escalation.models import Summons
from governance.choices import RegionLevel
from governance.models import Department, Region, User
from grids.models import Grid
from residents.statistics import completion_as_json, visit_completion_for_reach
from residents.visibility import Reach

from .indicators import DURATION_STEPS, SCORED_INDICATORS, Counts, Rates, Scheme, rates_for
from .models import SchemeWeight, WeightScheme
from .periods import Period

#: Dimensions of the tables, in the order the page offers them.
DIMENSIONS = {
    "grid": gettext_lazy("网格"),
    "community": gettext_lazy("社区"),
    "street": gettext_lazy("街道"),
    "department": gettext_lazy("职能部门"),
    "person": gettext_lazy("办结人"),
}


# --- schemes ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredScheme:
    """A stored scheme as the arithmetic's value, with where it applies."""

    scheme: Scheme
    region_id: int | None
    is_default: bool


#: The weights that stand in when no scheme is stored at all: the seed street's 10/40/50, 基本满意 worth 1 —
#: what migration 0002 stores as the default.
FALLBACK_SCHEME = Scheme("seed", "10/40/50", {"response": 10.0, "completion": 40.0, "satisfaction": 50.0}, 1.0)


def stored_schemes() -> list[StoredScheme]:
    """Every stored scheme (the default first, then by name), read in one query over the weight rows joined to
    their scheme — a scheme without any weight row has nothing to count and is left out."""
    rows = SchemeWeight.objects.select_related("scheme").order_by("-scheme__is_default", "scheme__name", "id")
    grouped: dict[int, tuple[WeightScheme, list[SchemeWeight]]] = {}
    for weight in rows:
        grouped.setdefault(weight.scheme_id, (weight.scheme, []))[1].append(weight)
    return [StoredScheme(s.as_scheme(ws), s.region_id, s.is_default) for s, ws in grouped.values()]


def schemes(stored: list[StoredScheme] | None = None) -> list[Scheme]:
    """Every stored scheme as the arithmetic's value (the default first, then by name)."""
    return [s.scheme for s in (stored_schemes() if stored is None else stored)]


def scheme_for(name: str | None = None, *, user=None, stored: list[StoredScheme] | None = None) -> Scheme:
    """The scheme called ``name``; without a name, the one that applies to ``user`` (``scheme_applying_to``).

    ``stored``: the schemes already read (``stored_schemes()``), to spare the query. Unknown name →
    InvalidInput; no scheme stored at all → ``FALLBACK_SCHEME`` (the data migration makes two)."""
    stored = stored_schemes() if stored is None else stored
    if name:
        found = next((s for s in stored if s.scheme.name == name), None)
        if found is None and not stored and name == FALLBACK_SCHEME.name:
            return FALLBACK_SCHEME  # the stand-in the page's own links name when no scheme is stored
        if found is None:
            raise InvalidInput(_("未知的考核方案：%(name)s") % {"name": name}, code="scheme")
        return found.scheme
    region = getattr(user, "region", None) if getattr(user, "region_id", None) else None
    return scheme_applying_to(region, stored=stored)


def scheme_applying_to(region: Region | None, *, stored: list[StoredScheme] | None = None) -> Scheme:
    """The most specific scheme for ``region``: its street's, else its district's, else the default.

    A community's people are judged by their street's scheme, a street's by its own or its district's; a
    city (or an admin, ``region=None``) by the default. With no default stored, the first by name stands in.
    The region's ancestors are walked only when some street or district has a scheme of its own."""
    stored = stored_schemes() if stored is None else stored
    by_region = {s.region_id: s for s in stored if s.region_id}
    if region is not None and by_region:
        for level in (RegionLevel.STREET, RegionLevel.DISTRICT):
            ancestor = region.ancestor(level)
            if ancestor is not None and ancestor.id in by_region:
                return by_region[ancestor.id].scheme
    default = next((s for s in stored if s.is_default), None) or next(iter(stored), None)
    if default is None:
        # Every scheme deleted in the admin (or a test database flushed of its migration rows): the page still
        # answers, by the seed street's weights that migration 0002 stores as the default.
        return FALLBACK_SCHEME
    return default.scheme


# --- rows -------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of an assessment table: who, their raw counts, their rates under the scheme, their rank."""

    key: Any
    label: str
    counts: Counts
    rates: Rates | None = None
    rank: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def rank_rows(rows: list[Row], scheme: Scheme) -> list[Row]:
    """Compute rates, sort by composite (best first, rows without a composite last) and rank (ties share a rank).

    The bucket of cases with no unit (``key`` None: the cases outside every grid, without a community …) is not
    a unit being assessed: it keeps its counts and rates (they add up to the totals) but gets no rank and comes
    after every other row, so the units are ranked 1..n among themselves."""
    composite: dict[int, float | None] = {}
    for row in rows:
        row.rates = rates_for(row.counts, scheme)
        composite[id(row)] = row.rates.composite
    rows.sort(
        key=lambda r: (
            r.key is None,
            composite[id(r)] is None,
            -(composite[id(r)] or 0),
            -r.counts.received,
            r.label,
        )
    )
    previous, rank = None, 0
    for i, row in enumerate(rows, start=1):
        value = composite[id(row)]
        if value is None or row.key is None:
            row.rank = None
            continue
        if previous is None or round(value, 9) != round(previous, 9):
            rank = i
        row.rank, previous = rank, value
    return rows


# --- the SQL parts --------------------------------------------------------------------------------


def in_period(prefix: str, period: Period, name: str) -> Q:
    return period.q(f"{prefix}{name}")


def received_q(period: Period, prefix: str = "") -> Q:
    return in_period(prefix, period, "reported_at") & ~Q(**{f"{prefix}status": Status.MERGED})


def responded_q(period: Period, prefix: str = "") -> Q:
    return received_q(period, prefix) & answered_in_time_q(prefix)


def answered_in_time_q(prefix: str = "") -> Q:
    """Responded to, and by the response deadline when there is one (the 响应率's numerator, any period)."""
    in_time = Q(**{f"{prefix}response_due_at__isnull": True}) | Q(
        **{f"{prefix}responded_at__lte": F(f"{prefix}response_due_at")}
    )
    return Q(**{f"{prefix}responded_at__isnull": False}) & in_time


def due_q(period: Period, prefix: str = "") -> Q:
    live = ~Q(**{f"{prefix}status__in": [Status.REJECTED, Status.MERGED]})
    return live & (in_period(prefix, period, "due_at") | completed_q(period, prefix))


def completed_q(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": Status.CLOSED}) & in_period(prefix, period, "closed_at")


def touches_q(period: Period, prefix: str = "") -> Q:
    """Cases any case-dated count may use: reported, due or closed in the period (each an indexed range)."""
    return (
        in_period(prefix, period, "reported_at")
        | in_period(prefix, period, "due_at")
        | in_period(prefix, period, "closed_at")
    )


def _case_count_filters(period: Period, prefix: str = "") -> dict[str, Q]:
    return {
        "received": received_q(period, prefix),
        "responded": responded_q(period, prefix),
        "due": due_q(period, prefix),
        "completed": completed_q(period, prefix),
    }


def _case_counts(period: Period, prefix: str = "") -> dict[str, Count]:
    pk = f"{prefix}id" if prefix else "id"
    return {name: Count(pk, filter=q) for name, q in _case_count_filters(period, prefix).items()}


def _rating_row_counts(within: Q | None = None) -> dict[str, Count]:
    """The satisfaction counts over ``Rating`` rows (which carry their case's place: ``models.CasePlace``),
    each restricted to ``within`` when given (a week of the trend)."""
    results = {"rated": Q(), "satisfied": Q(result="satisfied"), "basic": Q(result="basic")}
    results["unsatisfied"] = Q(result="unsatisfied")
    if within is not None:
        results = {name: within & q for name, q in results.items()}
    return {name: Count("id", filter=q or None) for name, q in results.items()}


def _rating_counts(prefix: str = "") -> dict[str, Count]:
    pk = f"{prefix}id" if prefix else "id"
    result = f"{prefix}ratings__result"
    return {
        "rated": Count(pk),
        "satisfied": Count(pk, filter=Q(**{result: "satisfied"})),
        "basic": Count(pk, filter=Q(**{result: "basic"})),
        "unsatisfied": Count(pk, filter=Q(**{result: "unsatisfied"})),
    }


def _grouped(
    cases: QuerySet[Case],
    period: Period,
    keys: tuple[str, ...],
    ratings: QuerySet[Rating] | None = None,
    case_counts: dict[tuple, Counts] | None = None,
) -> dict[tuple, Counts]:
    """Two grouped queries (case-dated counts; ratings in the period) merged by ``keys``. ``ratings``: the
    scope's rating rows when ``keys`` are place columns (they carry them), else the ratings join the cases.
    ``case_counts``: the case-dated counts already read (``case_pass``), so only the ratings are queried."""
    out: dict[tuple, Counts] = {}
    if case_counts is not None:
        for key, counts in case_counts.items():
            out[key] = Counts().add(counts)
    else:
        case_rows = cases.filter(touches_q(period)).order_by().values(*keys).annotate(**_case_counts(period))
        for r in case_rows:
            out.setdefault(tuple(r[k] for k in keys), Counts()).add(r)
    if ratings is not None:
        rating_rows = ratings.filter(period.q("rated_at")).order_by().values(*keys).annotate(**_rating_row_counts())
    else:
        rating_rows = (
            cases.filter(period.q("ratings__rated_at"), ratings__latest=True)
            .order_by()
            .values(*keys)
            .annotate(**_rating_counts())
        )
    for r in rating_rows:
        out.setdefault(tuple(r[k] for k in keys), Counts()).add(r)
    return out


PLACE_KEYS = ("grid_id", "community_id", "street_id")


def place_counts(
    scope: Scope, period: Period, *, case_counts: dict[tuple, Counts] | None = None
) -> dict[tuple[int | None, int | None, int], Counts]:
    """Raw counts per (grid, community, street) — 2 queries (1 with ``case_counts`` from ``case_pass``); grid,
    community, street and total roll up from it."""
    return _grouped(scope.cases, period, PLACE_KEYS, scope.rows(Rating).filter(latest=True), case_counts)


def totals(scope: Scope, period: Period) -> Counts:
    """Raw counts of the whole scope (2 aggregate queries)."""
    total = Counts()
    total.add(scope.cases.filter(touches_q(period)).aggregate(**_case_counts(period)))
    total.add(scope.rows(Rating).filter(latest=True).filter(period.q("rated_at")).aggregate(**_rating_row_counts()))
    return total


def _rollup(place: dict[tuple, Counts], index: int) -> dict[Any, Counts]:
    out: dict[Any, Counts] = {}
    for key, counts in place.items():
        out.setdefault(key[index], Counts()).add(counts)
    return out


def _labelled(counts: dict[Any, Counts], labels: dict[Any, str], none_label: str) -> list[Row]:
    return [Row(key, labels.get(key, none_label) if key is not None else none_label, c) for key, c in counts.items()]


def place_rows(
    scope: Scope, period: Period, by: str, scheme: Scheme, *, place: dict[tuple, Counts] | None = None
) -> list[Row]:
    """Ranked rows per grid, community or street (2 grouped queries, none when ``place`` is given, + 1 for names)."""
    place = place_counts(scope, period) if place is None else place
    index = {"grid": 0, "community": 1, "street": 2}[by]
    counts = _rollup(place, index)
    ids = [k for k in counts if k is not None]
    if by == "grid":
        grids = Grid.objects.filter(id__in=ids).values("id", "name", "code")
        labels = {g["id"]: name_within(g["name"], g["code"]) for g in grids}
        none_label = _("（未划入网格）")
    else:
        labels = dict(Region.objects.filter(id__in=ids).values_list("id", "name"))
        none_label = _("（无社区）")
    return rank_rows(_labelled(counts, labels, none_label), scheme)


def person_counts(scope: Scope, period: Period) -> dict[int, Counts]:
    """Raw counts per person who resolved the cases (``resolved_by``), 2 grouped queries; cases not resolved by anyone
    are left out."""
    grouped = _grouped(scope.cases.filter(resolved_by__isnull=False), period, ("resolved_by",))
    return {k[0]: c for k, c in grouped.items()}


def person_rows(scope: Scope, period: Period, scheme: Scheme, *, counts: dict[int, Counts] | None = None) -> list[Row]:
    """Ranked rows per person who resolved the cases (``person_counts``, or ``counts`` already read) + 1 query for
    the names."""
    counts = person_counts(scope, period) if counts is None else counts
    users = User.objects.filter(id__in=list(counts)).values("id", "full_name", "username")
    labels = {u["id"]: u["full_name"] or u["username"] for u in users}
    return rank_rows(_labelled(counts, labels, _("（未知）")), scheme)


# --- departments -------------------------------------------------------------------------------------


def dispatch_department_counts(scope: Scope, period: Period) -> dict[int, Counts]:
    """Per-department raw counts from dispatches (``CaseDispatch`` rows to a department), 3 grouped queries.

    - received: dispatches to the department made in the period (``dispatched_at``; a re-dispatch after a
      return is a new dispatch);
    - responded: of those, dispatches signed for or returned (a return is an answer too). A dispatch row
      carries no sign-for deadline of its own (the rule's accept limit is working time, kept on the case
      only at arrival), so any sign-for or return counts; summons report-ins (``summons_department_counts``)
      are judged against their own report-in deadline;
    - due / completed / ratings: as for places (case dates, see the module doc), over the distinct cases the
      department was dispatched to and did not return.

    The dispatches of the period are read from the scope's dispatch rows (``(scope, dispatched_at)``); the
    case-dated counts start from the scoped cases and join their dispatches (conditions on the dispatch in the
    same ``filter`` call, so they apply to the same joined row): the scope and the period's date indexes drive it.
    """
    out: dict[int, Counts] = {}
    cases = scope.cases
    dept = "dispatches__department_id"
    sent = (
        scope.rows(CaseDispatch)
        .filter(period.q("dispatched_at"), department__isnull=False)
        .order_by()
        .values("department_id")
        .annotate(
            received=Count("id"),
            responded=Count("id", filter=Q(signed_at__isnull=False) | Q(returned_at__isnull=False)),
        )
    )
    kept = {"dispatches__department__isnull": False, "dispatches__returned_at__isnull": True}
    due = (
        cases.filter(in_period("", period, "due_at") | in_period("", period, "closed_at"), **kept)
        .order_by()
        .values(dept)
        .annotate(
            due=Count("id", distinct=True, filter=due_q(period)),
            completed=Count("id", distinct=True, filter=completed_q(period)),
        )
    )
    rated = (
        cases.filter(period.q("ratings__rated_at"), ratings__latest=True, **kept)
        .order_by()
        .values(dept)
        .annotate(
            rated=Count("id", distinct=True),
            satisfied=Count("id", distinct=True, filter=Q(ratings__result="satisfied")),
            basic=Count("id", distinct=True, filter=Q(ratings__result="basic")),
            unsatisfied=Count("id", distinct=True, filter=Q(ratings__result="unsatisfied")),
        )
    )
    for r in sent:
        out.setdefault(r.pop("department_id"), Counts()).add(r)
    for rows in (due, rated):
        for r in rows:
            out.setdefault(r.pop(dept), Counts()).add(r)
    return out


def summons_department_counts(scope: Scope, period: Period) -> dict[int, Counts]:
    """Per-department raw counts from summonses (吹哨报到) on the scope's cases, 3 grouped queries:

    - received: summonses of whistles blown in the period (``Whistle.blown_at``);
    - responded in time: of those, summonses reported in (报到) no later than their ``report_in_due_at``
      (a late report-in, ``reported_late``, does not count);
    - due / completed / ratings: the distinct cases the department was summoned to and did not hand back
      (summons not ``returned``), with the case dates above (due or closed in the period; closed in the
      period; rated in the period).
    """
    out: dict[int, Counts] = {}
    base = Summons.objects.filter(case__in=scope.cases.values("pk")).order_by()
    sent = (
        base.filter(period.q("whistle__blown_at"))
        .exclude(status=SummonsStatus.WITHDRAWN)  # called off by the centre: never the department's to answer
        .values("department_id")
        .annotate(
            received=Count("id"),
            responded=Count("id", filter=Q(reported_in_at__isnull=False, reported_in_at__lte=F("report_in_due_at"))),
        )
    )
    kept = base.exclude(status__in=[SummonsStatus.RETURNED, SummonsStatus.WITHDRAWN])
    due = (
        kept.filter(in_period("case__", period, "due_at") | in_period("case__", period, "closed_at"))
        .values("department_id")
        .annotate(
            due=Count("case", distinct=True, filter=due_q(period, "case__")),
            completed=Count("case", distinct=True, filter=completed_q(period, "case__")),
        )
    )
    rated = (
        kept.filter(period.q("case__ratings__rated_at"), case__ratings__latest=True)
        .values("department_id")
        .annotate(
            rated=Count("case", distinct=True),
            satisfied=Count("case", distinct=True, filter=Q(case__ratings__result="satisfied")),
            basic=Count("case", distinct=True, filter=Q(case__ratings__result="basic")),
            unsatisfied=Count("case", distinct=True, filter=Q(case__ratings__result="unsatisfied")),
        )
    )
    for rows in (sent, due, rated):
        for r in rows:
            found: dict[str, Any] = dict(r)
            out.setdefault(int(found.pop("department_id")), Counts()).add(found)
    return out


#: Where department rows come from; each ``fn(scope, period) -> {department_id: Counts}``. A case both
#: dispatched to and summoned for the same department counts in both — they are two duties.
DEPARTMENT_SOURCES: list[Callable[[Scope, Period], dict[int, Counts]]] = [
    dispatch_department_counts,
    summons_department_counts,
]


def department_counts(scope: Scope, period: Period) -> dict[int, Counts]:
    """The sum of every source in ``DEPARTMENT_SOURCES`` per department."""
    out: dict[int, Counts] = {}
    for source in DEPARTMENT_SOURCES:
        for dept_id, counts in source(scope, period).items():
            out.setdefault(dept_id, Counts()).add(counts)
    return out


def department_rows(
    scope: Scope, period: Period, scheme: Scheme, *, counts: dict[int, Counts] | None = None
) -> list[Row]:
    """Ranked rows per department (``department_counts``, or ``counts`` already read) + 1 query for the names."""
    counts = department_counts(scope, period) if counts is None else counts
    labels = dict(Department.objects.filter(id__in=list(counts)).values_list("id", "name"))
    return rank_rows(_labelled(counts, labels, _("（未知部门）")), scheme)


def rows_by(scope: Scope, period: Period, by: str, scheme: Scheme, *, figures: Figures | None = None) -> list[Row]:
    """The ranked table for one dimension (``DIMENSIONS``), from ``figures`` when given (only the names are read).
    Unknown dimension → InvalidInput."""
    if by in ("grid", "community", "street"):
        return place_rows(scope, period, by, scheme, place=figures.place if figures else None)
    if by == "department":
        return department_rows(scope, period, scheme, counts=figures.departments if figures else None)
    if by == "person":
        return person_rows(scope, period, scheme, counts=figures.persons if figures else None)
    raise InvalidInput(_("未知的统计维度：%(by)s") % {"by": by}, code="by")


# --- the 数字城管 indicators ----------------------------------------------------------------------------


class SecondsBetween(Func):
    """``end - start`` in seconds as a float, on PostgreSQL and SQLite alike (one helper, per-vendor SQL)."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end: str, start: str, **extra: Any) -> None:
        super().__init__(F(end), F(start), **extra)

    def as_sql(self, compiler, connection, **extra_context):  # pragma: no cover - per-vendor below
        raise NotImplementedError(f"SecondsBetween is not implemented for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))", arg_joiner=" - ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return f"((julianday({end}) - julianday({start})) * 86400.0)", [*end_params, *start_params]


@dataclass
class Indicators:
    """The 数字城管 indicators of a scope and period, with their raw counts (rates None when undefined).

    - on-time closure (按期结案率) = closed in the period and resolved by the deadline / due (the 三率's "due");
    - on-time handling (及时处置率) = resolved in the period by the deadline / resolved in the period
      (``resolved_on_time``; a reworked case counts at its last resolution);
    - rework (返工率) = closed in the period with ``rework_count > 0`` / closed in the period;
    - reopen (重办率) = closed in the period that were reopened after an unsatisfied rating (``reopen_count > 0``)
      / closed in the period;
    - correct dispatch (准确派遣率) = 1 − return actions / dispatch actions in the period, counted on the
      ``CaseDispatch`` rows (one per target; an action writes its rows with one instant, so distinct
      (case, ``dispatched_at``) pairs are the "dispatch" events and distinct (case, ``returned_at``) pairs the
      "return" events — the same numbers as the audit trail, read from a table a tenth of its size);
    - extension (延期率) = closed in the period with an approved extension / closed in the period;
    - overdue (超期率) = due cases resolved late, or not resolved and past their deadline at the end of the
      period (or now, if earlier; cases on hold excepted) / due;
    - average duration per step over the cases closed in the period (seconds; steps that did not happen
      or whose timestamps run backwards after a re-dispatch are left out).
    """

    counts: dict[str, int]
    rates: dict[str, float | None]
    durations: list[dict[str, Any]]


def _ratio(num: float, den: int) -> float | None:
    return num / den if den else None


def _action_key(moment: str) -> Concat:
    """One dispatch (or return) action writes all its ``CaseDispatch`` rows with the same instant, so the
    distinct (case, instant) pairs count the actions: one dispatch to two departments is one dispatch."""
    return Concat(Cast("case_id", CharField()), Value("@"), Cast(moment, CharField()), output_field=CharField())


def _indicator_aggregates(period: Period, now: datetime) -> tuple[dict[str, Any], Q]:
    """The indicators' aggregates over the cases — counts (``n_``) and, per step, the sum (``sum_``) and number
    (``cnt_``) of its durations, so that groups add up — and the filter of the cases they can count."""
    bound = min(now, period.end)
    due = due_q(period)
    closed = completed_q(period)
    resolved = period.q("resolved_at")
    overdue = due & (
        Q(resolved_on_time=False) | (Q(resolved_at__isnull=True, due_at__lt=bound) & ~Q(status=Status.ON_HOLD))
    )
    # Aggregate aliases carry an "n_"/"avg_" prefix: Django refuses an alias equal to a field name.
    aggregates: dict[str, Any] = {
        "n_due": Count("id", filter=due),
        "n_closed": Count("id", filter=closed),
        "n_closed_on_time": Count("id", filter=due & closed & Q(resolved_on_time=True)),
        "n_resolved": Count("id", filter=resolved),
        "n_resolved_on_time": Count("id", filter=resolved & Q(resolved_on_time=True)),
        "n_reworked": Count("id", filter=closed & Q(rework_count__gt=0)),
        "n_reopened": Count("id", filter=closed & Q(reopen_count__gt=0)),
        "n_extended": Count("id", filter=closed & Q(extension_count__gt=0)),
        "n_overdue": Count("id", filter=overdue),
    }
    for key, _label, later, earlier in DURATION_STEPS:
        step = closed & Q(**{f"{later}__gte": F(earlier)})
        aggregates[f"sum_{key}"] = Sum(SecondsBetween(later, earlier), filter=step)
        aggregates[f"cnt_{key}"] = Count(SecondsBetween(later, earlier), filter=step)
    touched = in_period("", period, "due_at") | in_period("", period, "closed_at") | resolved
    return aggregates, touched


def dispatch_actions(scope: Scope, period: Period) -> dict[str, int]:
    """The dispatch and return actions of the period (``n_dispatches``, ``n_returns``), one aggregate over the scope's
    dispatch rows."""
    sent, back = period.q("dispatched_at"), period.q("returned_at")
    return (
        scope.rows(CaseDispatch)
        .filter(sent | back)
        .order_by()
        .aggregate(
            n_dispatches=Count(_action_key("dispatched_at"), distinct=True, filter=sent),
            n_returns=Count(_action_key("returned_at"), distinct=True, filter=back),
        )
    )


def standard_indicators(
    scope: Scope,
    period: Period,
    *,
    now: datetime | None = None,
    case_totals: dict[str, Any] | None = None,
    actions: dict[str, int] | None = None,
) -> Indicators:
    """Two queries: one aggregate over the cases, one over the scope's dispatch rows (dispatches and returns).
    ``case_totals``: the case aggregates already read (``case_pass``), ``actions``: the dispatch actions already
    read (``dispatch_actions``) — each spares its query."""
    now = now or timezone.now()
    if case_totals is None:
        aggregates, touched = _indicator_aggregates(period, now)
        agg = _plain(scope.cases.filter(touched).aggregate(**aggregates))
    else:
        agg = case_totals
    events = dispatch_actions(scope, period) if actions is None else actions
    counts = {k.removeprefix("n_"): int(v or 0) for k, v in (agg | events).items() if k.startswith("n_")}
    rates = {
        "on_time_closure": _ratio(counts["closed_on_time"], counts["due"]),
        "on_time_handling": _ratio(counts["resolved_on_time"], counts["resolved"]),
        "rework": _ratio(counts["reworked"], counts["closed"]),
        "reopen": _ratio(counts["reopened"], counts["closed"]),
        "correct_dispatch": (1 - counts["returns"] / counts["dispatches"]) if counts["dispatches"] else None,
        "extension": _ratio(counts["extended"], counts["closed"]),
        "overdue": _ratio(counts["overdue"], counts["due"]),
    }
    durations = [
        {
            "key": key,
            "label": str(label),
            "seconds": (agg[f"sum_{key}"] or 0) / agg[f"cnt_{key}"] if agg[f"cnt_{key}"] else None,
        }
        for key, label, _later, _earlier in DURATION_STEPS
    ]
    return Indicators(counts, rates, durations)


# --- trends -------------------------------------------------------------------------------------------

#: Status groups of the daily chart (stacked bottom to top).
STATUS_GROUPS = [
    ("waiting", gettext_lazy("待受理/待派遣"), (Status.REPORTED, Status.ACCEPTED)),
    ("handling", gettext_lazy("处置中"), (Status.DISPATCHED, Status.IN_PROGRESS, Status.ON_HOLD)),
    ("resolved", gettext_lazy("待核查"), (Status.RESOLVED,)),
    ("closed", gettext_lazy("已结案"), (Status.CLOSED,)),
    ("other", gettext_lazy("不予受理/合并"), (Status.REJECTED, Status.MERGED)),
]


def daily_status(scope: Scope, period: Period) -> list[dict[str, Any]]:
    """Cases reported each day of the period, by their status now (one grouped query).

    Returns one dict per day: ``{"day": date, "waiting": n, "handling": n, "resolved": n, "closed": n,
    "other": n, "total": n}`` — every day present, zeros included.
    """
    group_of: dict[str, str] = {s: key for key, _label, statuses in STATUS_GROUPS for s in statuses}
    tz = timezone.get_current_timezone()
    rows = (
        scope.cases.filter(period.q("reported_at"))
        .order_by()
        .annotate(day=TruncDate("reported_at", tzinfo=tz))
        .values("day", "status")
        .annotate(n=Count("*"))  # not count(id): the scope's report-time index carries the status, not the id
    )
    empty = {key: 0 for key, _l, _s in STATUS_GROUPS}
    days = {period.date_from + timedelta(days=i): dict(empty) for i in range(period.days)}
    for r in rows:
        day = r["day"]
        if isinstance(day, str):  # pragma: no cover - some SQLite builds return text
            day = date.fromisoformat(day)
        if day in days:
            days[day][group_of.get(r["status"], "other")] += r["n"]
    return [{"day": d, **v, "total": sum(v.values())} for d, v in sorted(days.items())]


def week_periods(last_day: date, weeks: int) -> list[Period]:
    """The ``weeks`` Monday–Sunday weeks ending with the week of ``last_day``, oldest first."""
    last_week = Period.week_of(last_day)
    return [
        Period(last_week.date_from - timedelta(weeks=i), last_week.date_to - timedelta(weeks=i))
        for i in range(weeks - 1, -1, -1)
    ]


def weekly_rates(
    scope: Scope, *, last_day: date, weeks: int, scheme: Scheme, live: bool = False, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The 三率 of each of ``weeks`` Monday–Sunday weeks ending with the week of ``last_day``: from the kept weekly
    counts (``kept_week_counts``) when every week is kept and fresh and ``live`` is not asked for, else counted
    (``week_counts``). Returns ``[{"period": Period, "counts": Counts, "rates": Rates, "computed_at": datetime |
    None}]`` oldest first (``computed_at``: when kept counts were read; None when counted now)."""
    periods = week_periods(last_day, weeks)
    kept = None if live else kept_week_counts(scope, periods, now=now)
    by_week, computed_at = kept if kept is not None else (week_counts(scope, periods), None)
    out = []
    for p, week in zip(periods, by_week, strict=True):
        counts = Counts().add(week)
        out.append({"period": p, "counts": counts, "rates": rates_for(counts, scheme), "computed_at": computed_at})
    return out


def week_counts(scope: Scope, periods: list[Period]) -> list[dict[str, int]]:
    """The raw counts (received, responded, due, completed and the ratings) of each of ``periods`` — consecutive
    Monday–Sunday weeks, oldest first.

    Two queries whatever the number of weeks. Each case of the weeks is read once and put in its weeks by a ``CASE``
    per date column (reported, due, closed: the week index, or NULL outside — explicit aware bounds, so the buckets
    are local weeks on every database); the query groups the cases by (those three weeks, status, responded in
    time) and counts, and the four case counts of each week are added up here from the few hundred groups by the
    same rules as ``received_q``, ``responded_q``, ``due_q`` and ``completed_q`` (a case due in one week and
    closed in another is due in both; due and closed in the same week, once). A district's eight weeks are
    40,000 cases: one count per group instead of four filtered counts per week and case. The ratings likewise,
    grouped by (week rated, result). A week's counts do not depend on the other weeks read with it."""
    whole = Period(periods[0].date_from, periods[-1].date_to)
    groups = (
        scope.cases.filter(touches_q(whole))
        .order_by()
        .values(
            "status",
            w_reported=_week_of("reported_at", periods),
            w_due=_week_of("due_at", periods),
            w_closed=_week_of("closed_at", periods),
            in_time=ExpressionWrapper(answered_in_time_q(), output_field=BooleanField()),
        )
        .annotate(n=Count("id"))
    )
    by_week: list[dict[str, int]] = [
        dict.fromkeys(("received", "responded", "due", "completed", *_rating_row_counts()), 0) for _p in periods
    ]
    for g in groups:
        status, n = g["status"], g["n"]
        if g["w_reported"] is not None and status != Status.MERGED:
            by_week[g["w_reported"]]["received"] += n
            if g["in_time"]:
                by_week[g["w_reported"]]["responded"] += n
        closed_in = g["w_closed"] if status == Status.CLOSED else None
        if closed_in is not None:
            by_week[closed_in]["completed"] += n
        if status not in (Status.REJECTED, Status.MERGED):
            for week in {g["w_due"], closed_in} - {None}:
                by_week[week]["due"] += n
    ratings = (
        scope.rows(Rating)
        .filter(latest=True)
        .filter(whole.q("rated_at"))
        .order_by()
        .values("result", w_rated=_week_of("rated_at", periods))
        .annotate(n=Count("id"))
    )
    for g in ratings:
        if g["w_rated"] is None:
            continue
        week = by_week[g["w_rated"]]
        week["rated"] += g["n"]
        if g["result"] in ("satisfied", "basic", "unsatisfied"):
            week[g["result"]] += g["n"]
    return by_week


def _fresh_since(now: datetime | None) -> datetime:
    """Kept figures read after this instant are fresh: ``ASSESSMENT_FIGURES_MAX_AGE`` seconds before ``now``."""
    return (now or timezone.now()) - timedelta(seconds=settings.ASSESSMENT_FIGURES_MAX_AGE)


def kept_week_counts(
    scope: Scope, periods: list[Period], *, now: datetime | None = None
) -> tuple[list[dict[str, int]], datetime] | None:
    """The kept counts (``models.WeekFigures``) of ``periods`` for ``scope`` and the oldest of their read times —
    None unless ``figures_key`` keeps the scope and every week was read less than ``ASSESSMENT_FIGURES_MAX_AGE``
    seconds before ``now``."""
    from .models import WeekFigures

    key = figures_key(scope)
    if key is None:
        return None
    rows = {
        r["week_from"]: r
        for r in WeekFigures.objects.filter(
            scope=key, week_from__in=[p.date_from for p in periods], computed_at__gt=_fresh_since(now)
        ).values("week_from", "counts", "computed_at")
    }
    if len(rows) != len(periods):
        return None
    return [rows[p.date_from]["counts"] for p in periods], min(r["computed_at"] for r in rows.values())


def _week_of(column: str, periods: list[Period]) -> DbCase:
    """The index of the period (consecutive, ascending) holding ``column``, NULL before, after or when empty:
    one comparison per bound, the first that holds wins."""
    whens = [When(**{f"{column}__lt": periods[0].start}, then=Value(None, output_field=IntegerField()))]
    whens += [When(**{f"{column}__lt": p.end}, then=Value(i)) for i, p in enumerate(periods)]
    return DbCase(*whens, default=Value(None, output_field=IntegerField()), output_field=IntegerField())


# --- the page as a whole -------------------------------------------------------------------------------


def _plain_number(value: Any) -> int | float:
    """An aggregate as an int or a float: PostgreSQL's ``EXTRACT(EPOCH …)`` sums come back as ``Decimal``; kept
    figures (``PeriodFigures``) hold JSON numbers, and both must add up alike."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return float(value)
    return value


def _plain(aggregates: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain_number(v) for k, v in aggregates.items()}


@dataclass
class CasePass:
    """What the page reads from the case table, in one pass: the case-dated counts per place, the indicators'
    case aggregates (summed over the places) and the 12345 cases' counts."""

    place: dict[tuple, Counts]
    indicators: dict[str, Any]
    hotline: Counts


def case_pass(scope: Scope, period: Period, *, now: datetime | None = None) -> CasePass:
    """ONE grouped query for every case-dated figure of the page: the place counts (``place_counts``), the
    indicators' case aggregates (``standard_indicators``) and the hotline channel's counts (``hotline_figures``)
    were three passes over the same cases of the period — a district's 30 days are 18,000 cases on as many heap
    pages at 1M cases. Grouped by place over the union of their filters; each figure keeps its own filter, so
    each equals what its own query reads (the tests hold them against those queries)."""
    now = now or timezone.now()
    indicator_aggs, _cases = _indicator_aggregates(period, now)
    hotline = Q(channel=HOTLINE_CHANNEL)
    aggregates: dict[str, Any] = {
        "touches": Count("id", filter=touches_q(period)),
        **_case_counts(period),
        **indicator_aggs,
        **{f"hl_{name}": Count("id", filter=hotline & q) for name, q in _case_count_filters(period).items()},
    }
    # touches_q (reported, due or closed in the period) ∪ the indicators' cases (due, closed or resolved in it)
    touched = touches_q(period) | period.q("resolved_at")
    # In place order: the float sums of durations add up in the same order on every read (kept or live).
    rows = sorted(
        scope.cases.filter(touched).order_by().values(*PLACE_KEYS).annotate(**aggregates),
        key=lambda r: tuple((r[k] is None, r[k] or 0) for k in PLACE_KEYS),
    )
    place: dict[tuple, Counts] = {}
    summed: dict[str, Any] = dict.fromkeys(indicator_aggs, 0)
    hotline_counts = Counts()
    for row in rows:
        if row["touches"]:  # a place whose only cases were resolved in the period has no case-dated count
            place[tuple(row[k] for k in PLACE_KEYS)] = Counts().add(row)
        for name in indicator_aggs:
            summed[name] += _plain_number(row[name])
        hotline_counts.add({name.removeprefix("hl_"): v for name, v in row.items() if name.startswith("hl_")})
    return CasePass(place=place, indicators=summed, hotline=hotline_counts)


@dataclass
class Figures:
    """Every raw count the assessment page shows for one scope and period: read live (``gather``), or kept in
    ``models.PeriodFigures`` for the district-wide scopes and the fixed periods (``kept_figures``; written by
    ``services.figures_refresh`` from beat). Rates are never stored: any scheme applies on read."""

    place: dict[tuple, Counts]  # per (grid, community, street): case-dated counts and latest ratings
    indicators: dict[str, Any]  # the indicators' case aggregates (``_indicator_aggregates``), summed over places
    actions: dict[str, int]  # dispatch and return actions (``dispatch_actions``)
    hotline_cases: Counts  # the 12345 cases' case-dated counts
    hotline_ratings: dict[str, int]  # their latest ratings in the period (rated, satisfied, basic, unsatisfied)
    hotline_follow_ups: dict[str, int]  # the hotline's valid follow-ups (``hotline_figures``)
    departments: dict[int, Counts] | None = None  # None: not read (a live page of another dimension)
    persons: dict[int, Counts] | None = None
    # 走访完成率 as ``residents.statistics.completion_as_json`` (under "completion", None when no grid is reached) —
    # kept for a region's centre staff (they all see the same) and admins; None: not read, the page counts it
    visits: dict[str, Any] | None = None
    computed_at: datetime | None = None  # when kept figures were read; None: live

    def as_json(self) -> dict[str, Any]:
        def by_id(counts: dict[int, Counts] | None) -> list | None:
            return None if counts is None else [[k, c.as_dict()] for k, c in counts.items()]

        return {
            "place": [[*key, c.as_dict()] for key, c in self.place.items()],
            "indicators": self.indicators,
            "actions": self.actions,
            "hotline_cases": self.hotline_cases.as_dict(),
            "hotline_ratings": self.hotline_ratings,
            "hotline_follow_ups": self.hotline_follow_ups,
            "departments": by_id(self.departments),
            "persons": by_id(self.persons),
            "visits": self.visits,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, computed_at: datetime | None = None) -> Figures:
        def by_id(rows: list | None) -> dict[int, Counts] | None:
            return None if rows is None else {k: Counts().add(c) for k, c in rows}

        return cls(
            place={tuple(row[:-1]): Counts().add(row[-1]) for row in data["place"]},
            indicators=data["indicators"],
            actions=data["actions"],
            hotline_cases=Counts().add(data["hotline_cases"]),
            hotline_ratings=data["hotline_ratings"],
            hotline_follow_ups=data["hotline_follow_ups"],
            departments=by_id(data["departments"]),
            persons=by_id(data["persons"]),
            visits=data.get("visits"),
            computed_at=computed_at,
        )


def gather(
    scope: Scope,
    period: Period,
    *,
    now: datetime | None = None,
    dimensions: Iterable[str] = ("department", "person"),
    reach: Reach | None = None,
) -> Figures:
    """Read the figures live: one pass over the cases (``case_pass``), the ratings per place, the dispatch actions,
    the hotline's ratings and follow-ups (6 queries), the department (6) and person (2) counts when ``dimensions``
    asks for them, and the 走访完成率 of ``reach``'s grids when given (``residents.visibility.reach_of_region``)."""
    now = now or timezone.now()
    dims = set(dimensions)
    cases = case_pass(scope, period, now=now)
    ratings, follow_ups = hotline_rating_counts(scope, period)
    visits = None
    if reach is not None:
        completion = visit_completion_for_reach(
            reach, date_from=period.date_from, date_to=period.date_to, today=timezone.localdate(now)
        )
        visits = {"completion": completion_as_json(completion)}
    return Figures(
        place=place_counts(scope, period, case_counts=cases.place),
        indicators=cases.indicators,
        actions=dispatch_actions(scope, period),
        hotline_cases=cases.hotline,
        hotline_ratings=ratings,
        hotline_follow_ups=follow_ups,
        departments=department_counts(scope, period) if "department" in dims else None,
        persons=person_counts(scope, period) if "person" in dims else None,
        visits=visits,
    )


def kept_figures(scope: Scope, period: Period, *, now: datetime | None = None) -> Figures | None:
    """The kept figures of ``scope`` and ``period`` if some were read less than ``ASSESSMENT_FIGURES_MAX_AGE``
    seconds before ``now`` — else None (read live). Only the scopes ``figures_key`` names are kept."""
    from .models import PeriodFigures

    key = figures_key(scope)
    if key is None:
        return None
    row = (
        PeriodFigures.objects.filter(
            scope=key, date_from=period.date_from, date_to=period.date_to, computed_at__gt=_fresh_since(now)
        )
        .values("figures", "computed_at")
        .first()
    )
    return None if row is None else Figures.from_json(row["figures"], computed_at=row["computed_at"])


def figures_key(scope: Scope) -> str | None:
    """The key of ``scope`` in ``PeriodFigures``: ``"all"`` for the admins' scope, ``"district_id=7"`` for a place at
    one of ``ASSESSMENT_FIGURES_LEVELS`` — None for every other scope (streets and communities read live: a few
    thousand cases; grid workers and liaisons are not places)."""
    if scope.place is None:
        return None
    if not scope.place:
        return "all"
    if len(scope.place) != 1:
        return None
    ((lookup, value),) = scope.place.items()
    kept = {PLACE_COLUMN[level] for level in settings.ASSESSMENT_FIGURES_LEVELS if level in PLACE_COLUMN}
    return f"{lookup}={value}" if lookup in kept else None


@dataclass
class Assessment:
    period: Period
    scheme: Scheme
    by: str
    total: Counts
    total_rates: Rates
    rows: list[Row]
    indicators: Indicators
    composites: dict[str, float | None]  # composite of the scope under every configured scheme
    hotline_counts: Counts | None = None  # the 12345 cases' case-dated counts (``hotline_figures(case_counts=…)``)
    figures: Figures | None = None  # what it was computed from (``computed_at`` set when kept)


def assessment(
    scope: Scope,
    *,
    period: Period,
    scheme: Scheme,
    by: str,
    now: datetime | None = None,
    compare: list[Scheme] | None = None,
    figures: Figures | None = None,
) -> Assessment:
    """Everything the assessment page shows, in a fixed number of queries whatever the row count: one pass over
    the cases (``case_pass``: place counts, indicators, 12345 counts) and one over the ratings (the scope's total
    is their sum, and grid / community / street rows roll up from them), the chosen dimension's rows when it is
    not a place (2–6), the names (1), the dispatch rows (1). ``compare``: the schemes whose composite of the
    total is shown too (default: every stored scheme, 2 more queries). ``figures``: the raw counts already read
    (``kept_figures``), so only the names are queried."""
    if by not in DIMENSIONS:
        raise InvalidInput(_("未知的统计维度：%(by)s") % {"by": by}, code="by")
    now = now or timezone.now()
    if figures is None:
        figures = gather(scope, period, now=now, dimensions=(by,))
    total = Counts()
    for counts in figures.place.values():
        total.add(counts)
    return Assessment(
        period=period,
        scheme=scheme,
        by=by,
        total=total,
        total_rates=rates_for(total, scheme),
        rows=rows_by(scope, period, by, scheme, figures=figures),
        indicators=standard_indicators(scope, period, now=now, case_totals=figures.indicators, actions=figures.actions),
        composites={s.name: rates_for(total, s).composite for s in (schemes() if compare is None else compare)},
        hotline_counts=figures.hotline_cases,
        figures=figures,
    )


def default_dimension(user) -> str:
    """Grid rows for community and street staff; street rows for the district, the city and admins."""
    region = getattr(user, "region", None) if getattr(user, "region_id", None) else None
    if region is not None and region.level in ("community", "street"):
        return "grid"
    return "street"


def flatten(rows: Iterable[Row]) -> Iterable[dict[str, Any]]:
    """Rows as flat dicts (exports and the API): label, rank, raw counts, rates."""
    for row in rows:
        rates = row.rates
        yield {
            "key": row.key,
            "label": row.label,
            "rank": row.rank,
            **row.counts.as_dict(),
            **{f"{i.key}_rate": rates.values[i.key] if rates else None for i in SCORED_INDICATORS},
            "composite": rates.composite if rates else None,
        }


# --- the 12345 hotline channel: the street's 三率 beside the hotline's own ------------------------------------

HOTLINE_CHANNEL = "hotline"


@dataclass
class HotlineFigures:
    """The hotline channel of a scope: the street's own 三率 over its 12345 cases, and the hotline's 三率 over
    its valid follow-ups (有效回访: the requester reached and answering) — response = contacted / valid, solution =
    solved / valid, satisfaction = (satisfied + credit × basically satisfied) / valid. Raw counts are kept so any
    other scheme can be recomputed."""

    counts: Counts
    rates: Rates
    valid: int
    contacted: int
    solved: int
    satisfied: int
    basic: int
    unsatisfied: int
    basic_credit: float

    @property
    def hotline_rates(self) -> dict[str, float | None]:
        if not self.valid:
            return {"response": None, "solution": None, "satisfaction": None}
        return {
            "response": self.contacted / self.valid,
            "solution": self.solved / self.valid,
            "satisfaction": (self.satisfied + self.basic_credit * self.basic) / self.valid,
        }


def hotline_rating_counts(scope: Scope, period: Period) -> tuple[dict[str, int], dict[str, int]]:
    """2 aggregate queries over the scope's 12345 ratings of the period: the latest ratings' counts (the street's
    satisfaction) and the hotline's valid follow-ups (every round's follow-up that the hotline recorded with its
    contacted / solved answers)."""
    ratings = scope.rows(Rating).filter(period.q("rated_at"), channel=HOTLINE_CHANNEL)
    latest = ratings.filter(latest=True).aggregate(**_rating_row_counts())
    follow_ups = ratings.filter(contacted__isnull=False, solved__isnull=False).aggregate(
        valid=Count("id"),
        contacted=Count("id", filter=Q(contacted=True)),
        solved=Count("id", filter=Q(solved=True)),
        satisfied=Count("id", filter=Q(result="satisfied")),
        basic=Count("id", filter=Q(result="basic")),
        unsatisfied=Count("id", filter=Q(result="unsatisfied")),
    )
    return latest, follow_ups


def hotline_figures(
    scope: Scope,
    period: Period,
    scheme: Scheme,
    *,
    case_counts: Counts | None = None,
    figures: Figures | None = None,
) -> HotlineFigures:
    """3 aggregate queries: the scope's 12345 cases (received, responded, due, completed), their latest ratings
    in the period (the street's satisfaction), and the hotline's follow-ups in the period (those are its valid
    ones). ``case_counts``: the 12345 cases' counts already read (``case_pass``), so only the ratings are
    queried; ``figures``: everything already read, no query."""
    counts = Counts()
    if figures is not None:
        counts.add(figures.hotline_cases)
        latest, follow_ups = figures.hotline_ratings, figures.hotline_follow_ups
    else:
        if case_counts is not None:
            counts.add(case_counts)
        else:
            hotline_cases = scope.cases.filter(channel=HOTLINE_CHANNEL)
            counts.add(hotline_cases.filter(touches_q(period)).aggregate(**_case_counts(period)))
        latest, follow_ups = hotline_rating_counts(scope, period)
    counts.add(latest)
    credit = float(getattr(settings, "HOTLINE_BASIC_SATISFIED_CREDIT", 0.9))
    return HotlineFigures(counts=counts, rates=rates_for(counts, scheme), basic_credit=credit, **follow_ups)
