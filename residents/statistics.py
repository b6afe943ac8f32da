"""Statistics per grid for centre staff (and a grid worker's own grids): population, households, rental share,
tag counts only for the categories the viewer may see, and visit completion (走访完成率).

All aggregates are computed in SQL, grouped by grid — a constant number of queries whatever the number of grids.

走访完成率 has one definition, ``residents.selectors.completion_by_grid``: visits done on time ÷ visits that were
due in a period, counting only the plans the viewer may see. This page shows it over the last 30 days; a grid
worker's rate is that of the grids where they sit as leader or full-time worker (the seats that visit tagged
people). ``visit_completion_by_worker`` is what the assessment shows beside the 三率 (for its own period), and
``residents.selectors.visit_completion`` the per-community figure of mobilisation's 三色研判.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, NamedTuple

from django.db.models import Count, Q

from grids.choices import StaffRole
from grids.models import Grid, GridAssignment

from .choices import HouseUse, PopulationKind, ResidentStatus
from .models import House, Resident, ResidentTag, Visit
from .selectors import categories_visible_to, completion_by_grid, plans_visible_to
from .visibility import Reach, grids_q, reach_of, visible_tags_q

COMPLETION_DAYS = 30  # the statistics page's 走访完成率 period: due dates in the last 30 days


def grid_statistics(*, user: Any, today: date) -> dict | None:
    """Rows per grid in the viewer's reach, with totals; None for a user with no grids (liaisons, citizens)."""
    reach = reach_of(user)
    if not (reach.everything or reach.seats or reach.community_ids):
        return None
    grids = list(Grid.objects.filter(grids_q(reach), active=True).select_related("community").order_by("code"))
    ids = [g.id for g in grids]
    living = Q(status=ResidentStatus.LIVING)
    people = dict(
        Resident.objects.filter(living, grid_id__in=ids)
        .values_list("grid_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "n")
    )
    floating = dict(
        Resident.objects.filter(living, grid_id__in=ids, kind=PopulationKind.FLOATING)
        .values_list("grid_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "n")
    )
    houses = {
        g: (total, rented, occupied)
        for g, total, rented, occupied in House.objects.filter(grid_id__in=ids)
        .values("grid_id")
        .annotate(
            total=Count("id", distinct=True),
            rented=Count("id", filter=Q(use=HouseUse.RENTED), distinct=True),
            occupied=Count("id", filter=Q(residents__status=ResidentStatus.LIVING), distinct=True),
        )
        .values_list("grid_id", "total", "rented", "occupied")
    }
    categories = categories_visible_to(user=user)
    tag_counts: dict[tuple[int, int], int] = {}
    for grid_id, category_id, n in (
        ResidentTag.objects.filter(visible_tags_q(reach), resident__grid_id__in=ids, resident__status="living")
        .values("resident__grid_id", "category_id")
        .annotate(n=Count("id"))
        .values_list("resident__grid_id", "category_id", "n")
    ):
        tag_counts[(grid_id, category_id)] = n
    plans = dict(
        plans_visible_to(user=user)
        .filter(grid_id__in=ids)
        .order_by()
        .values("grid_id")
        .annotate(total=Count("id"))
        .values_list("grid_id", "total")
    )
    since = today - timedelta(days=COMPLETION_DAYS)
    completion = completion_by_grid(grid_ids=ids, date_from=since, date_to=today, today=today, reach=reach)
    visits = dict(
        Visit.objects.filter(grid_id__in=ids, visited_on__gte=since)
        .values("grid_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "n")
    )
    rows: list[dict[str, Any]] = []
    for g in grids:
        total, rented, occupied = houses.get(g.id, (0, 0, 0))
        done, due = completion.get(g.id, (0, 0))
        rows.append(
            {
                "grid": g,
                "population": people.get(g.id, 0),
                "floating": floating.get(g.id, 0),
                "households": occupied,
                "houses": total,
                "rental_share": (rented / total) if total else None,
                "tags": [tag_counts.get((g.id, c.id), 0) for c in categories],
                "plans": plans.get(g.id, 0),
                "visits_due": due,
                "visits_on_time": done,
                "completion": (done / due) if due else None,
                "visits_30d": visits.get(g.id, 0),
            }
        )
    totals: dict[str, Any] = {
        "population": sum(r["population"] for r in rows),
        "floating": sum(r["floating"] for r in rows),
        "households": sum(r["households"] for r in rows),
        "houses": sum(r["houses"] for r in rows),
        "tags": [sum(r["tags"][i] for r in rows) for i in range(len(categories))],
        "plans": sum(r["plans"] for r in rows),
    }
    rented_all = sum(houses.get(g.id, (0, 0, 0))[1] for g in grids)
    totals["rental_share"] = (rented_all / totals["houses"]) if totals["houses"] else None
    totals["visits_due"] = sum(r["visits_due"] for r in rows)
    totals["visits_on_time"] = sum(r["visits_on_time"] for r in rows)
    totals["completion"] = (totals["visits_on_time"] / totals["visits_due"]) if totals["visits_due"] else None
    return {
        "rows": rows,
        "categories": categories,
        "totals": totals,
        "workers": visit_completion_by_worker(
            user=user, grid_ids=ids, date_from=since, date_to=today, today=today, by_grid=completion
        ),
        "period_days": COMPLETION_DAYS,
    }


class Person(NamedTuple):
    """A person as a worker's row names them (what ``User.__str__`` shows)."""

    id: int
    username: str
    full_name: str

    def __str__(self) -> str:
        return self.full_name or self.username


class GridName(NamedTuple):
    """A grid as a worker's row names it."""

    id: int
    name: str
    code: str

    def __str__(self) -> str:
        return self.name


def visit_completion_by_worker(
    *,
    user: Any,
    grid_ids: list[int],
    date_from: date,
    date_to: date,
    today: date | None = None,
    by_grid: dict[int, tuple[int, int]] | None = None,
) -> list[dict]:
    """Per grid leader / full-time worker now seated on ``grid_ids``: visits due in [date_from, date_to] on their
        grids (plans visible to ``user``), how many were done on time, the rate (``completion_by_grid``), and the
        visits they recorded themselves in the period. A row's ``user`` carries the person's id, username and name only;
    its ``grids`` are ``GridName`` values (id, name, code). Four queries (two fewer with ``by_grid``, the caller's
        ``completion_by_grid`` for the same arguments)."""
    seats = (
        GridAssignment.objects.filter(
            grid_id__in=grid_ids,
            ended_on__isnull=True,
            role__in=[StaffRole.GRID_LEADER, StaffRole.FULL_TIME_WORKER],
        )
        .order_by("grid__code", "role")
        # what a row shows — the person's name, the grids' names — as plain values: a district's 600 seats as
        # model instances (seat, user, grid) were most of this function's time
        .values_list("grid_id", "user_id", "user__username", "user__full_name", "grid__name", "grid__code")
    )
    completion = by_grid
    if completion is None:
        completion = completion_by_grid(grid_ids=grid_ids, date_from=date_from, date_to=date_to, today=today, user=user)
    visits = dict(
        Visit.objects.filter(grid_id__in=grid_ids, visited_on__gte=date_from, visited_on__lte=date_to)
        .order_by()
        .values("visitor_id")
        .annotate(n=Count("id"))
        .values_list("visitor_id", "n")
    )
    by_user: dict[int, dict] = {}
    for grid_id, user_id, username, full_name, grid_name, grid_code in seats:
        row = by_user.get(user_id)
        if row is None:
            person = Person(user_id, username, full_name)
            row = by_user[user_id] = {
                "user": person,
                "grids": [],
                "due": 0,
                "on_time": 0,
                "visits": visits.get(user_id, 0),
            }
        if any(g.id == grid_id for g in row["grids"]):
            continue
        row["grids"].append(GridName(grid_id, grid_name, grid_code))
        done, due = completion.get(grid_id, (0, 0))
        row["due"] += due
        row["on_time"] += done
    for row in by_user.values():
        row["rate"] = (row["on_time"] / row["due"]) if row["due"] else None
    return list(by_user.values())


def visit_completion_for_assessment(
    *, user: Any, date_from: date, date_to: date, today: date | None = None
) -> dict | None:
    """走访完成率 of the viewer's grids for the assessment page: the total (from the grids, so a grid with two
    seats counts once) and the per-worker rows ranked by rate, both scoped to what ``user`` may see. None for
    a user who reaches no grids. A constant number of queries."""
    return visit_completion_for_reach(reach_of(user), user=user, date_from=date_from, date_to=date_to, today=today)


def visit_completion_for_reach(
    reach: Reach, *, user: Any = None, date_from: date, date_to: date, today: date | None = None
) -> dict | None:
    """``visit_completion_for_assessment`` for a reach (``visibility.reach_of_region``: what every centre staff
    member of a region sees, counted once for all of them)."""
    if not (reach.everything or reach.seats or reach.community_ids):
        return None
    grid_ids = list(Grid.objects.filter(grids_q(reach)).values_list("id", flat=True))
    by_grid = completion_by_grid(grid_ids=grid_ids, date_from=date_from, date_to=date_to, today=today, reach=reach)
    done = sum(d for d, _n in by_grid.values())
    due = sum(n for _d, n in by_grid.values())
    workers = visit_completion_by_worker(
        user=user, grid_ids=grid_ids, date_from=date_from, date_to=date_to, today=today, by_grid=by_grid
    )
    workers.sort(key=lambda r: (r["rate"] is None, -(r["rate"] or 0), -r["due"], str(r["user"])))
    rank = 0
    for i, row in enumerate(workers):
        if row["rate"] is not None:
            rank = i + 1
        row["rank"] = rank if row["rate"] is not None else None
    return {"done": done, "due": due, "rate": (done / due) if due else None, "workers": workers}


def completion_as_json(figures: dict | None) -> dict | None:
    """``visit_completion_for_reach``'s result as JSON values (kept figures), read back by ``completion_from_json``."""
    if figures is None:
        return None
    workers = [{**w, "user": list(w["user"]), "grids": [list(g) for g in w["grids"]]} for w in figures["workers"]]
    return {**figures, "workers": workers}


def completion_from_json(data: dict | None) -> dict | None:
    if data is None:
        return None
    workers = [{**w, "user": Person(*w["user"]), "grids": [GridName(*g) for g in w["grids"]]} for w in data["workers"]]
    return {**data, "workers": workers}
