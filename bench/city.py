"""The generated city (and province) of the benchmarks: reference rows in the ORM, cases set-wise in PostgreSQL.

Run it through ``bench/generate_city.py`` (the command line); ``generate()`` is what the command and its test call.

What it builds (all under a city coded 990000, "模拟市", so it never collides with the demo street):

1. places: districts of 8 streets, streets of 5 communities, communities of 5 community grids (a 5×5 block of
   400 m squares per street, GeoJSON boundaries), ``grids`` grids in all;
2. people: a centre officer per district, two per street, one per community; one full-time grid worker per
   grid (seated with the grid's object permissions, as ``staff_assign`` does); the demo's nine departments in
   every district, one liaison each (member of the department's group);
3. the demo matter catalogue and jurisdiction rules (``governance.demo``), and a default work calendar if
   the database has none;
4. ``cases`` cases over the last ``years`` years, more of them recently (the volume grows), in office
   hours, with a status mix that depends on age (old cases are mostly closed, recent ones spread over
   every status), grade-dependent levels, self-handled grade-A cases, department dispatches (6 % returned
   once), deadlines from the category's limit (working time approximated in calendar time), about 88 %
   resolved on time, reworks, extensions, supervision of long-overdue open cases, ratings for 65 % of the
   closed cases (82 % satisfied, 12 % basic, 6 % unsatisfied), one audit event per step, and the
   per-case grants that let department liaisons see their cases.

How it is fast: each table is filled by ONE ``INSERT … SELECT`` over ``generate_series`` (cases) or over the
cases themselves (events, dispatches, ratings, grants), with small lookup tables (grids, categories,
departments) joined in. Secondary indexes of the case tables are dropped first and rebuilt at the end (one sort
each instead of millions of random inserts), and the foreign-key triggers are skipped for the load when the role
may do so (``session_replication_role = replica``, superuser only): the rows are consistent by construction —
every id comes from a join with the rows it points to. Then VACUUM ANALYZE.

PostgreSQL only (the SQLite path of the former ``manage.py generate_city`` is gone: a benchmark city on SQLite
measured nothing anyone deploys). Refuses to run twice into the same database (the 990000 city exists) and refuses
a database that already holds cases unless ``allow_existing``: point DATABASE_URL at a dedicated database.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from guardian.models import UserObjectPermission

from cases.choices import Channel
from cases.models import Case, CaseDispatch, CaseEvent, Rating
from demo import governance as demo
from governance.choices import DayKind, HandlerKind, RegionLevel, Role, TimeUnit
from governance.models import (
    CalendarDay,
    Category,
    Department,
    JurisdictionRule,
    OfficePeriod,
    Region,
    User,
    WorkCalendar,
)
from governance.selectors import clear_calendar_cache
from grids.choices import StaffRole, StaffSource
from grids.models import Grid, GridAssignment

CITY_CODE = "990000"
GRIDS_PER_COMMUNITY = 5
COMMUNITIES_PER_STREET = 5
STREETS_PER_DISTRICT = 8
CELL = 0.004  # degrees: about 400 m × 340 m at this latitude
ORIGIN = (98.20, 39.70)  # lng, lat of the south-west corner
TZ = "Asia/Shanghai"
#: Rough calendar length of one unit of working time (7 working hours a day, 5 days a week).
#: 35 working hours in a 168-hour week: a working hour is about 4.8 calendar hours, a working day 33.6.
CALENDAR_HOURS = {
    TimeUnit.MINUTES: 1 / 60,
    TimeUnit.HOURS: 1,
    TimeUnit.WORKING_HOURS: 168 / 35,
    TimeUnit.WORKING_DAYS: 168 / 5,
}
#: Relative frequency of a category by grade: small things are reported most.
GRADE_WEIGHT = {"A": 10, "B": 3, "C": 2, "D": 1}
#: Channel shares (per mille, cumulative order).
CHANNELS = [
    (Channel.PATROL, 550),
    (Channel.HOTLINE, 200),
    (Channel.CITIZEN_WEB, 120),
    (Channel.MESSAGE_BOARD, 60),
    (Channel.WALK_IN, 40),
    (Channel.OPEN311, 20),
    (Channel.API, 10),
]
STREET_NAMES = [
    "雄关",
    "长城",
    "明珠",
    "新华",
    "胜利",
    "建设",
    "五一",
    "前进",
    "朝阳",
    "钢城",
    "峪泉",
    "文殊",
    "新城",
    "嘉北",
    "嘉南",
    "东湖",
    "西湖",
    "南湖",
    "北湖",
    "花园",
    "光明",
    "和平",
    "团结",
    "友谊",
    "幸福",
    "育才",
    "兰新",
    "迎宾",
    "祁连",
    "镜铁",
    "酒钢",
    "讨赖",
    "紫轩",
    "湖滨",
    "果园",
    "雄风",
    "安远",
    "嘉峪",
    "新风",
    "天诚",
]
#: Status mix by age (cumulative shares; the rest is closed).
STATUS_MIX = {
    "old": [
        ("rejected", 0.04),
        ("merged", 0.06),
        ("on_hold", 0.07),
        ("reported", 0.075),
        ("accepted", 0.08),
        ("in_progress", 0.09),
        ("resolved", 0.10),
    ],
    "month": [
        ("rejected", 0.03),
        ("merged", 0.04),
        ("on_hold", 0.05),
        ("reported", 0.07),
        ("accepted", 0.10),
        ("dispatched", 0.14),
        ("in_progress", 0.22),
        ("resolved", 0.30),
    ],
    "week": [
        ("rejected", 0.03),
        ("merged", 0.04),
        ("on_hold", 0.05),
        ("reported", 0.15),
        ("accepted", 0.23),
        ("dispatched", 0.33),
        ("in_progress", 0.53),
        ("resolved", 0.65),
    ],
}


@dataclass
class CityWorld:
    """The reference rows the case generator joins with."""

    grids: list[dict] = field(default_factory=list)  # id, community, street, district, prefix, lng0, lat0, worker
    categories: list[dict] = field(default_factory=list)  # id, grade, name, limit_h, rule, dept_code, weight
    departments: dict[tuple[int, str], dict] = field(default_factory=dict)  # (district, code) → id, liaison, group
    street_staff: dict[int, int] = field(default_factory=dict)  # street id → officer id
    users: int = 0


#: Presets of ``--scale``: a city (DESIGN §8's 1M cases) and a province (issue 14: 10,000 grids, 10M cases over 5
#: years — 50 districts; a real province of 50,000 grids files about 25M cases a year, see docs/scaling.md).
SCALES = {
    "city": {"grids": 1000, "cases": 1_000_000, "years": 2.0},
    "province": {"grids": 10_000, "cases": 10_000_000, "years": 5.0},
}


class GenerateError(Exception):
    """Bad arguments or a database the generator must not write into."""


def generate(
    *,
    grids: int,
    cases: int,
    years: float,
    seed: int = 20261121,
    end: str = "",
    allow_existing: bool = False,
    log=print,
) -> dict[str, int]:
    """Build the city into the current (PostgreSQL) database; returns the row counts. See the module docstring."""
    if connection.vendor != "postgresql":
        raise GenerateError("the generated city needs PostgreSQL (set DATABASE_URL to a dedicated database)")
    if not 1 <= grids <= 50_000:
        raise GenerateError("--grids must be between 1 and 50000")
    if not 0 <= cases <= 100_000_000:
        raise GenerateError("--cases must be between 0 and 100000000")
    if not 0.1 <= years <= 10:
        raise GenerateError("--years must be between 0.1 and 10")
    if Region.objects.filter(code=CITY_CODE).exists():
        raise GenerateError(f"this database already holds the generated city ({CITY_CODE}); use a fresh database")
    if Case.objects.exists() and not allow_existing:
        raise GenerateError("this database already holds cases; use a dedicated database or --allow-existing")
    now = timezone.now()
    if end:
        end_day = date.fromisoformat(end)
        now = min(now, timezone.make_aware(datetime.combine(end_day, dtime(23, 0))))
    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        world = build_reference(grids=grids, rng=rng)
    log(
        f"reference: {len(world.grids)} grids, {world.users} users, {len(world.departments)} departments, "
        f"{len(world.categories)} categories ({time.perf_counter() - started:.1f} s)"
    )
    if cases:
        fill_postgres(world, n=cases, years=years, now=now, seed=seed, log=log)
    counts = {
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "dispatches": CaseDispatch.objects.count(),
        "ratings": Rating.objects.count(),
    }
    summary = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    log(f"done in {time.perf_counter() - started:.1f} s: {summary}")
    return counts


# --- reference data ------------------------------------------------------------------------------------------


def _rect(lng: float, lat: float, size: float) -> dict:
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _street_name(i: int) -> str:
    base = STREET_NAMES[i % len(STREET_NAMES)]
    return f"{base}街道" if i < len(STREET_NAMES) else f"{base}{i // len(STREET_NAMES) + 1}街道"


def build_reference(*, grids: int, rng: random.Random) -> CityWorld:
    """Regions, grids, staff, departments, catalogue and calendar (ORM, bulk where it counts)."""
    world = CityWorld()
    n_comm = math.ceil(grids / GRIDS_PER_COMMUNITY)
    n_street = math.ceil(n_comm / COMMUNITIES_PER_STREET)
    n_dist = math.ceil(n_street / STREETS_PER_DISTRICT)
    password = make_password(demo.demo_password())
    users: list[User] = []

    city = Region.objects.create(code=CITY_CODE, name="模拟市", level=RegionLevel.CITY)
    users.append(User(username="sim_city", full_name="模拟市综治中心", role=Role.CENTRE_STAFF, region=city))
    districts = Region.objects.bulk_create(
        [
            Region(code=f"99{d + 1:04d}", name=f"模拟{d + 1}区", level=RegionLevel.DISTRICT, parent=city)
            for d in range(n_dist)
        ]
    )
    streets = Region.objects.bulk_create(
        [
            Region(
                code=f"{districts[s // STREETS_PER_DISTRICT].code}{s % STREETS_PER_DISTRICT + 1:03d}",
                name=_street_name(s),
                level=RegionLevel.STREET,
                parent=districts[s // STREETS_PER_DISTRICT],
                case_prefix=f"S{s + 1:03d}",
            )
            for s in range(n_street)
        ]
    )
    communities = Region.objects.bulk_create(
        [
            Region(
                code=f"{streets[c // COMMUNITIES_PER_STREET].code}{c % COMMUNITIES_PER_STREET + 1:03d}",
                name=f"{streets[c // COMMUNITIES_PER_STREET].name[:-2]}{c % COMMUNITIES_PER_STREET + 1}社区",
                level=RegionLevel.COMMUNITY,
                parent=streets[c // COMMUNITIES_PER_STREET],
            )
            for c in range(n_comm)
        ]
    )
    for d, district in enumerate(districts):
        users.append(
            User(
                username=f"sim_d{d + 1:02d}",
                full_name=f"{district.name}综治中心",
                role=Role.CENTRE_STAFF,
                region=district,
            )
        )
    for s, street in enumerate(streets):
        for k in ("", "b"):
            users.append(
                User(
                    username=f"sim_s{s + 1:03d}{k}",
                    full_name=f"{street.name}综治中心{k or 'a'}",
                    role=Role.CENTRE_STAFF,
                    region=street,
                )
            )
    for c, community in enumerate(communities):
        users.append(
            User(
                username=f"sim_c{c + 1:04d}",
                full_name=f"{community.name}专干",
                role=Role.CENTRE_STAFF,
                region=community,
            )
        )

    # Grids: each street a 5×5 block of cells, each community one row of the block.
    blocks_per_row = math.ceil(math.sqrt(n_street))
    grid_objs = []
    for g in range(grids):
        c = g // GRIDS_PER_COMMUNITY
        s = c // COMMUNITIES_PER_STREET
        bx, by = s % blocks_per_row, s // blocks_per_row
        col, row = g % GRIDS_PER_COMMUNITY, c % COMMUNITIES_PER_STREET
        lng = ORIGIN[0] + (bx * GRIDS_PER_COMMUNITY + col) * CELL
        lat = ORIGIN[1] + (by * COMMUNITIES_PER_STREET + row) * CELL
        community = communities[c]
        grid = Grid(
            code=f"G{g + 1:05d}",
            name=f"{community.name}{col + 1}号网格",
            community=community,
            boundary=_rect(lng, lat, CELL),
            households=rng.randint(280, 500),
            population=0,
            min_lng=lng,
            max_lng=lng + CELL,
            min_lat=lat,
            max_lat=lat + CELL,
        )
        grid.population = int(grid.households * 2.6)
        grid_objs.append(grid)
    grid_objs = Grid.objects.bulk_create(grid_objs, batch_size=2000)
    workers = [
        User(username=f"sim_g{g + 1:05d}", full_name=f"网格员{g + 1:05d}", role=Role.GRID_WORKER) for g in range(grids)
    ]
    users.extend(workers)

    # Departments: the demo's nine in every district, one liaison each.
    dept_objs, liaisons = [], []
    for d, district in enumerate(districts):
        for code, name, _level, _username, _full in demo.DEPARTMENTS:
            dept_objs.append(Department(name=name, code=f"{code}-sim{d + 1:02d}", region=district))
    dept_objs = Department.objects.bulk_create(dept_objs)
    for dept in dept_objs:
        liaisons.append(
            User(
                username=f"sim_l_{dept.code}",
                full_name=f"{dept.name}联络员（{dept.region.name}）",
                role=Role.LIAISON,
                department=dept,
            )
        )
    users.extend(liaisons)
    for u in users:
        u.password = password
        u.email = f"{u.username}@sim.example.cn"
    users = User.objects.bulk_create(users, batch_size=2000)
    world.users = len(users)
    by_name = {u.username: u for u in users}
    groups = Group.objects.bulk_create([Group(name=f"dept:{dept.code}") for dept in dept_objs])
    for dept, group in zip(dept_objs, groups, strict=True):
        dept.group = group
    Department.objects.bulk_update(dept_objs, ["group"])
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=by_name[f"sim_l_{dept.code}"].id, group_id=dept.group_id) for dept in dept_objs]
    )

    # Grid teams: one full-time worker per grid, with the grid's object permissions (as staff_assign grants).
    GridAssignment.objects.bulk_create(
        [
            GridAssignment(
                grid=grid,
                user=by_name[f"sim_g{g + 1:05d}"],
                role=StaffRole.FULL_TIME_WORKER,
                source=StaffSource.COMMUNITY_STAFF,
                started_on=date(2024, 1, 1),
            )
            for g, grid in enumerate(grid_objs)
        ],
        batch_size=2000,
    )
    ct = ContentType.objects.get_for_model(Grid)
    perms = list(Permission.objects.filter(content_type=ct, codename__in=["view_grid", "work_in_grid"]))
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                user=by_name[f"sim_g{g + 1:05d}"], permission=p, content_type=ct, object_pk=str(grid.pk)
            )
            for g, grid in enumerate(grid_objs)
            for p in perms
        ],
        batch_size=5000,
    )

    _catalogue(world, {d.code.split("-sim")[0]: d for d in dept_objs if d.region_id == districts[0].id})
    _calendar()

    for s, street in enumerate(streets):
        world.street_staff[street.id] = by_name[f"sim_s{s + 1:03d}"].id
    for g, grid in enumerate(grid_objs):
        community = grid.community
        street = community.parent
        world.grids.append(
            {
                "idx": g + 1,
                "id": grid.id,
                "community": community.id,
                "street": street.id,
                "district": street.parent_id,
                "prefix": street.case_prefix,
                "lng0": grid.min_lng,
                "lat0": grid.min_lat,
                "worker": by_name[f"sim_g{g + 1:05d}"].id,
                "staff": world.street_staff[street.id],
                "name": grid.name,
            }
        )
    for dept in dept_objs:
        world.departments[(dept.region_id, dept.code.split("-sim")[0])] = {
            "id": dept.id,
            "liaison": by_name[f"sim_l_{dept.code}"].id,
            "group": dept.group_id,
        }
    return world


def _catalogue(world: CityWorld, departments: dict[str, Department]) -> None:
    """The demo catalogue and rules (found by code, created when missing); the generator's category table."""
    majors = {}
    for code, name, name_en in demo.MAJORS:
        majors[code], _ = Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    for code, major, name, name_en, grade, limit, unit, dept_codes, note in demo.CATALOGUE:
        sub, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "parent": majors[major], "grade": grade}
        )
        home = demo.GRADE_HOME[sub.grade]
        rule = JurisdictionRule.objects.filter(category=sub, level=home, valid_to__isnull=True).first()
        if rule is None:
            rule = JurisdictionRule.objects.create(
                category=sub,
                level=home,
                handler_kind=HandlerKind.DEPARTMENTS if dept_codes and grade != "A" else HandlerKind.CENTRE,
                accept_limit=demo.ACCEPT_LIMIT[0],
                accept_unit=demo.ACCEPT_LIMIT[1],
                handling_limit=limit,
                handling_unit=unit,
                note=note,
            )
            rule.departments.set([departments[d] for d in dept_codes if d in departments])
        world.categories.append(
            {
                "idx": len(world.categories) + 1,
                "id": sub.id,
                "grade": sub.grade,
                "name": sub.name,
                "limit_h": rule.handling_limit * CALENDAR_HOURS[rule.handling_unit],
                "rule": rule.id,
                "dept": dept_codes[0] if dept_codes and sub.grade != "A" else None,
                "weight": GRADE_WEIGHT[sub.grade],
            }
        )
    for level, days in demo.LEVEL_DEFAULTS:
        if not JurisdictionRule.objects.filter(category__isnull=True, level=level, valid_to__isnull=True).exists():
            JurisdictionRule.objects.create(
                category=None,
                level=level,
                accept_limit=demo.ACCEPT_LIMIT[0],
                accept_unit=demo.ACCEPT_LIMIT[1],
                handling_limit=days,
                handling_unit=TimeUnit.WORKING_DAYS,
                note="本层级默认时限",
            )


def _calendar() -> None:
    if WorkCalendar.objects.filter(is_default=True).exists():
        return
    cal = WorkCalendar.objects.create(name="模拟市工作日历", is_default=True)
    for start, end in demo.OFFICE_PERIODS:
        OfficePeriod.objects.create(calendar=cal, start=start, end=end)
    days = []
    for first, last, note in demo.HOLIDAYS_2026:
        day = first
        while day <= last:
            days.append(CalendarDay(calendar=cal, date=day, kind=DayKind.HOLIDAY, note=note))
            day += timedelta(days=1)
    days += [CalendarDay(calendar=cal, date=d, kind=DayKind.WORKDAY, note=n) for d, n in demo.MAKEUP_WORKDAYS_2026]
    CalendarDay.objects.bulk_create(days)
    transaction.on_commit(clear_calendar_cache)


def _category_slots(world: CityWorld, slots: int = 1000) -> list[int]:
    """Category index for each of ``slots`` equal slices of [0, 1), proportional to the category weights."""
    total = sum(c["weight"] for c in world.categories)
    out: list[int] = []
    for c in world.categories:
        out += [c["idx"]] * round(slots * c["weight"] / total)
    out = (out + [world.categories[0]["idx"]] * slots)[:slots]
    return out


# --- PostgreSQL: set-wise inserts ------------------------------------------------------------------------------

CASE_TABLES = ["cases_case", "cases_caseevent", "cases_casedispatch", "cases_rating", "cases_casegroupobjectpermission"]


def _status_sql(bucket: str) -> str:
    whens = " ".join(f"WHEN u_status < {share} THEN '{status}'" for status, share in STATUS_MIX[bucket])
    return f"CASE {whens} ELSE 'closed' END"


def fill_postgres(world: CityWorld, *, n: int, years: float, now: datetime, seed: int, log) -> dict[str, float]:
    """The set-wise load (see the module docstring). Returns seconds per step."""
    timings: dict[str, float] = {}
    span_days = max(1, int(years * 365))
    start_day = timezone.localtime(now).date() - timedelta(days=span_days)
    view_case = Permission.objects.get(content_type__app_label="cases", codename="view_case").id

    def step(name: str, sql: str, params: dict | None = None) -> None:
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(sql, params or {})
        timings[name] = time.perf_counter() - t
        log(f"  {name}: {timings[name]:.1f} s")

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SET LOCAL jit = off")  # compiling these wide expressions costs more than running them
        try:
            with transaction.atomic():
                cur.execute("SET LOCAL session_replication_role = replica")
        except Exception:  # not a superuser: the foreign keys are checked as usual
            log("  (foreign-key triggers stay on: the role may not skip them)")
        cur.execute("SELECT setseed(%s)", [((seed % 2_000_000) / 1_000_000.0) - 1.0])
        indexes = _drop_secondary_indexes(cur)
        _lookup_tables(cur, world)
        step(
            "cases",
            _CASES_SQL.format(
                old=_status_sql("old"), month=_status_sql("month"), week=_status_sql("week"), channels=_channel_sql()
            ),
            {"n": n, "ngrids": len(world.grids), "start_day": start_day, "span_days": span_days, "now": now},
        )
        step("dispatches", _DISPATCH_SQL, {"now": now})
        step("ratings", _RATING_SQL, {"now": now})
        step("events", _EVENTS_SQL)
        step("grants", _GRANTS_SQL, {"perm": view_case})
        step("number sequences", _SEQUENCE_SQL)
        t = time.perf_counter()
        for sql in indexes:
            cur.execute(sql)
        timings["rebuild indexes"] = time.perf_counter() - t
        log(f"  rebuild indexes: {timings['rebuild indexes']:.1f} s")
    t = time.perf_counter()
    with connection.cursor() as cur:  # outside the transaction: VACUUM sets the visibility map (index-only scans)
        for table in CASE_TABLES:
            cur.execute(f"VACUUM (ANALYZE) {table}")
    timings["vacuum analyze"] = time.perf_counter() - t
    log(f"  vacuum analyze: {timings['vacuum analyze']:.1f} s")
    return timings


def _drop_secondary_indexes(cur) -> list[str]:
    """Drop the case tables' indexes that back no constraint; return their definitions to rebuild them."""
    cur.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [CASE_TABLES],
    )
    rows = cur.fetchall()
    for name, _sql in rows:
        cur.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def _lookup_tables(cur, world: CityWorld) -> None:
    cur.execute(
        """CREATE TEMP TABLE gen_grid (idx int PRIMARY KEY, grid_id bigint, community_id bigint, street_id bigint,
           district_id bigint, prefix text, lng0 float8, lat0 float8, worker_id bigint, staff_id bigint,
           name text) ON COMMIT DROP"""
    )
    cur.executemany(
        "INSERT INTO gen_grid VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
        [
            (
                g["idx"],
                g["id"],
                g["community"],
                g["street"],
                g["district"],
                g["prefix"],
                g["lng0"],
                g["lat0"],
                g["worker"],
                g["staff"],
                g["name"],
            )
            for g in world.grids
        ],
    )
    cur.execute(
        """CREATE TEMP TABLE gen_cat (idx int PRIMARY KEY, category_id bigint, grade text, name text, limit_h float8,
           rule_id bigint, dept_code text) ON COMMIT DROP"""
    )
    cur.executemany(
        "INSERT INTO gen_cat VALUES (%s,%s,%s,%s,%s,%s,%s)",
        [(c["idx"], c["id"], c["grade"], c["name"], c["limit_h"], c["rule"], c["dept"]) for c in world.categories],
    )
    cur.execute("CREATE TEMP TABLE gen_slot (slot int PRIMARY KEY, cat_idx int) ON COMMIT DROP")
    cur.executemany("INSERT INTO gen_slot VALUES (%s,%s)", list(enumerate(_category_slots(world), start=1)))
    cur.execute(
        """CREATE TEMP TABLE gen_dept (district_id bigint, code text, dept_id bigint, liaison_id bigint,
           group_id int, PRIMARY KEY (district_id, code)) ON COMMIT DROP"""
    )
    cur.executemany(
        "INSERT INTO gen_dept VALUES (%s,%s,%s,%s,%s)",
        [(k[0], k[1], v["id"], v["liaison"], v["group"]) for k, v in world.departments.items()],
    )
    cur.execute("ANALYZE gen_grid; ANALYZE gen_cat; ANALYZE gen_slot; ANALYZE gen_dept")


def _channel_sql() -> str:
    acc, whens = 0, []
    for channel, share in CHANNELS:
        acc += share
        whens.append(f"WHEN u_ch < {acc / 1000} THEN '{channel.value}'")
    return f"CASE {' '.join(whens)} ELSE 'patrol' END"


# Step by step: (b) one row of random draws per case; (t) its grid, category, department and reported_at (more
# cases recently: day = start + (span + 1)·√u; office-ish hours 07:00–20:00 local; a time still to come today
# moves to the day before); (s) its status from its age;
# (y) its stage, whether grade A was handled on the spot, whether a department took it; (z) its timestamps,
# each after the previous and never after now; (f) the row, with its number per street and year.
_CASES_SQL = """
INSERT INTO cases_case (
  number, title, description, category_id, grade, channel, reporter_id, citizen_name, citizen_phone, follow_up_token,
  lat, lng, address, grid_id, community_id, street_id, district_id, level, status, handler_kind, handler_region_id,
  rule_id, arrived_at, accept_due_at, due_at, yellow_at, warned_yellow, response_due_at, responded_at, held_at,
  held_from_status, supervised_at, return_blocked, escalation_count, rework_count, return_count, dispatch_count,
  extension_count, reported_at, accepted_at, dispatched_at, signed_at, resolved_at, resolved_on_time,
  resolved_by_id, closed_at, merged_into_id, updated_at)
WITH b AS (
  SELECT g AS i, 1 + floor(random() * %(ngrids)s)::int AS gi, 1 + floor(random() * 1000)::int AS slot,
         random() AS u_day, random() AS u_time, random() AS u_status, random() AS u_ch,
         random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6,
         random() AS r7, random() AS r8
  FROM generate_series(1, %(n)s) AS g
), t AS MATERIALIZED (
  SELECT b.*, gg.grid_id, gg.community_id, gg.street_id, gg.district_id, gg.prefix, gg.lng0, gg.lat0, gg.worker_id,
         gg.staff_id, gg.name AS grid_name, c.category_id, c.grade, c.name AS cat_name, c.limit_h, c.rule_id,
         c.dept_code, d.liaison_id,
         ((%(start_day)s::date + floor((%(span_days)s + 1) * sqrt(b.u_day))::int)::timestamp
           + make_interval(secs => 25200 + b.u_time * 46800)) AT TIME ZONE 'Asia/Shanghai' AS planned
  FROM b
  JOIN gen_slot s ON s.slot = b.slot
  JOIN gen_cat c ON c.idx = s.cat_idx
  JOIN gen_grid gg ON gg.idx = b.gi
  LEFT JOIN gen_dept d ON d.district_id = gg.district_id AND d.code = c.dept_code
), t2 AS (
  SELECT t.*, CASE WHEN planned > %(now)s::timestamptz - interval '2 minutes'
                   THEN planned - interval '1 day' ELSE planned END AS rep
  FROM t
), s AS (
  SELECT t2.*,
    CASE
      WHEN %(now)s::timestamptz - t2.rep < interval '1 hour'
        THEN CASE WHEN u_status < 0.7 THEN 'reported' ELSE 'accepted' END
      WHEN %(now)s::timestamptz - t2.rep > interval '30 days' THEN {old}
      WHEN %(now)s::timestamptz - t2.rep > interval '7 days' THEN {month}
      ELSE {week}
    END AS status
  FROM t2
), y AS (
  SELECT s.*,
    CASE s.status WHEN 'reported' THEN 0 WHEN 'accepted' THEN 1 WHEN 'dispatched' THEN 2 WHEN 'in_progress' THEN 3
      WHEN 'on_hold' THEN 3 WHEN 'resolved' THEN 4 WHEN 'closed' THEN 5 ELSE -1 END AS stage,
    (s.dept_code IS NOT NULL AND s.grade <> 'A') AS to_dept,
    (s.r6 > 0.96) AS esc,
    {channels} AS channel
  FROM s
), y2 AS MATERIALIZED (
  SELECT y.*, (y.grade = 'A' AND y.r7 < 0.6 AND y.stage >= 4) AS sh FROM y
), z0 AS (
  SELECT y2.*,
    CASE WHEN sh THEN rep + make_interval(secs => 300 + r1 * 3000)
         WHEN stage >= 1 THEN rep + make_interval(secs => 300 + r1 * r1 * 36000) END AS acc0,
    CASE WHEN status IN ('rejected', 'merged') THEN rep + make_interval(secs => 600 + r1 * 10800) END AS gone0
  FROM y2
), z1 AS (
  SELECT z0.*,  -- (LEAST skips NULLs: a step that did not happen must stay NULL)
    CASE WHEN acc0 IS NOT NULL THEN LEAST(acc0, %(now)s::timestamptz - interval '5 minutes') END AS acc,
    CASE WHEN gone0 IS NOT NULL THEN LEAST(gone0, %(now)s::timestamptz - interval '1 minute') END AS gone
  FROM z0
), z2 AS MATERIALIZED (
  SELECT z1.*,
    CASE WHEN stage >= 2 AND NOT sh THEN LEAST(acc + make_interval(secs => 600 + r2 * 72000),
                                              %(now)s::timestamptz - interval '4 minutes') END AS disp
  FROM z1
), z3 AS (
  SELECT z2.*,
    CASE WHEN sh THEN acc
         WHEN stage >= 3 THEN LEAST(disp + make_interval(secs => 300 + r3 * 21600),
                                    %(now)s::timestamptz - interval '3 minutes') END AS sign
  FROM z2
), z4 AS (
  SELECT z3.*,
    COALESCE(sign, rep) + make_interval(secs => limit_h * 3600) AS due,
    CASE WHEN sh THEN acc
         WHEN stage >= 4 THEN LEAST(sign + make_interval(secs => limit_h * 3600 * (0.05 + 1.2 * power(r4, 1.5))),
                                    %(now)s::timestamptz - interval '2 minutes') END AS res
  FROM z3
), z AS MATERIALIZED (
  SELECT z4.*,
    CASE WHEN status = 'closed' THEN LEAST(res + make_interval(secs => 1800 + r5 * 129600),
                                           %(now)s::timestamptz - interval '1 minute')
         ELSE gone END AS clo,
    (stage >= 2 AND to_dept AND r8 < 0.06)::int AS returns
  FROM z4
)
SELECT
  prefix || '-' || to_char(rep AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-'
    || lpad((row_number() OVER (PARTITION BY street_id, to_char(rep AT TIME ZONE 'Asia/Shanghai', 'YYYY')
                                ORDER BY rep, i))::text, 6, '0'),
  cat_name, cat_name || '，请尽快处理。（' || grid_name || '）', category_id, grade, channel,
  CASE WHEN channel = 'patrol' THEN worker_id END,
  CASE WHEN channel = 'patrol' THEN '' ELSE '群众' || (i %% 997) END,
  CASE WHEN channel = 'patrol' THEN '' ELSE '139' || lpad((i %% 100000000)::text, 8, '0') END,
  'sim-' || i || '-' || md5(i::text || %(n)s::text),
  lat0 + r2 * 0.004, lng0 + r3 * 0.004, grid_name || ' ' || (1 + floor(r4 * 30))::int || '号楼',
  grid_id, community_id, street_id, district_id,
  CASE WHEN grade = 'A' THEN (CASE WHEN esc THEN 'community' ELSE 'grid' END)
       WHEN grade = 'B' THEN (CASE WHEN esc THEN 'district' ELSE 'street' END)
       ELSE 'district' END,
  status,
  CASE WHEN stage >= 2 AND to_dept THEN 'departments' WHEN grade = 'A' AND NOT esc THEN 'grid_team' ELSE 'centre' END,
  CASE WHEN stage >= 2 AND to_dept THEN street_id WHEN grade = 'A' AND NOT esc THEN NULL
       WHEN grade = 'A' THEN community_id WHEN grade = 'B' AND NOT esc THEN street_id ELSE district_id END,
  rule_id, rep, rep + interval '6 hours 48 minutes', due,
  COALESCE(sign, rep) + make_interval(secs => limit_h * 3600 * 0.8),
  (stage BETWEEN 0 AND 3 AND COALESCE(sign, rep) + make_interval(secs => limit_h * 3600 * 0.8) < %(now)s),
  rep + interval '6 hours 48 minutes', COALESCE(acc, gone),
  CASE WHEN status = 'on_hold' THEN LEAST(sign + interval '1 hour', %(now)s::timestamptz) END,
  CASE WHEN status = 'on_hold' THEN 'in_progress' ELSE '' END,
  CASE WHEN stage BETWEEN 0 AND 3 AND status <> 'on_hold' AND due < %(now)s::timestamptz - interval '3 days'
            AND r5 < 0.6 THEN due + interval '1 day' END,
  false, esc::int, (stage >= 4 AND r6 < 0.05)::int, returns,
  CASE WHEN disp IS NOT NULL THEN 1 + returns ELSE 0 END,
  (stage >= 3 AND r5 > 0.97)::int,
  rep, acc, disp, sign, res, CASE WHEN res IS NOT NULL THEN res <= due END,
  CASE WHEN res IS NULL THEN NULL WHEN grade = 'A' THEN worker_id WHEN to_dept THEN liaison_id ELSE staff_id END,
  clo, NULL, COALESCE(clo, res, sign, disp, acc, rep)
FROM z
ORDER BY rep
"""

_DISPATCH_SQL = """
INSERT INTO cases_casedispatch (case_id, level, department_id, region_id, grid_id, dispatched_by_id,
  dispatcher_region_id, dispatched_at, signed_at, returned_at, return_reason, return_note, active,
  community_id, street_id, district_id)
SELECT c.id, CASE WHEN d.dept_id IS NULL THEN 'grid' ELSE c.level END, d.dept_id, NULL::bigint,
       CASE WHEN d.dept_id IS NULL THEN c.grid_id END, NULL::bigint,
       CASE WHEN c.grade = 'A' THEN c.community_id ELSE c.street_id END,
       c.dispatched_at, c.signed_at, NULL, '', '',
       c.status IN ('dispatched', 'in_progress', 'on_hold', 'resolved'),
       c.community_id, c.street_id, c.district_id
FROM cases_case c
JOIN gen_cat k ON k.category_id = c.category_id
LEFT JOIN gen_dept d ON d.district_id = c.district_id AND d.code = k.dept_code AND c.grade <> 'A'
WHERE c.dispatched_at IS NOT NULL
UNION ALL
SELECT c.id, c.level, d.dept_id, NULL::bigint, NULL::bigint, NULL::bigint, c.street_id,
       c.dispatched_at - interval '2 hours', NULL::timestamptz,
       c.dispatched_at - interval '1 hour', 'not_in_remit', '不属本单位职责', false,
       c.community_id, c.street_id, c.district_id
FROM cases_case c
JOIN gen_cat k ON k.category_id = c.category_id
JOIN gen_dept d ON d.district_id = c.district_id AND d.code = k.dept_code
WHERE c.return_count > 0
"""

_RATING_SQL = """
INSERT INTO cases_rating (case_id, result, comment, rated_at, recorded_by_id, grid_id, community_id, street_id,
  district_id, channel)
SELECT id, CASE WHEN u < 0.82 THEN 'satisfied' WHEN u < 0.94 THEN 'basic' ELSE 'unsatisfied' END, '',
       LEAST(closed_at + make_interval(secs => 3600 + r * 200000), %(now)s::timestamptz), NULL,
       grid_id, community_id, street_id, district_id, channel
FROM (SELECT id, closed_at, grid_id, community_id, street_id, district_id, channel, random() AS u, random() AS r,
             random() AS p FROM cases_case WHERE status = 'closed') q
WHERE p < 0.65
"""

# One row per step that happened (a NULL time means the step did not happen); sh = handled on the spot.
_EVENTS_SQL = """
INSERT INTO cases_caseevent (case_id, action, actor_id, actor_name, actor_role, from_status, to_status, from_level,
  to_level, reason, note, data, public, at)
SELECT c.id, e.action, e.actor, e.who, e.role, e.fs, e.ts, c.level, c.level, e.reason, '', '{}'::jsonb, e.pub, e.at
FROM (SELECT cc.*, (cc.grade = 'A' AND cc.dispatched_at IS NULL AND cc.resolved_at IS NOT NULL) AS sh,
             r.result, r.rated_at
      FROM cases_case cc LEFT JOIN cases_rating r ON r.case_id = cc.id) c
CROSS JOIN LATERAL (VALUES
  ('report', c.reporter_id, CASE WHEN c.reporter_id IS NULL THEN '群众' ELSE '网格员' END, '', '', 'reported', '',
   true, c.reported_at),
  ('escalate', NULL, 'system', '系统', 'reported', 'accepted', 'overdue', true,
   CASE WHEN c.escalation_count > 0 THEN c.reported_at + interval '1 minute' END),
  ('self_handle', c.resolved_by_id, '网格员', '网格员', 'reported', 'resolved', '', true,
   CASE WHEN c.sh THEN c.resolved_at END),
  ('accept', NULL, '综治中心', '综治中心', 'reported', 'accepted', '', true, CASE WHEN NOT c.sh THEN c.accepted_at END),
  ('reject', NULL, '综治中心', '综治中心', 'reported', 'rejected', '', true,
   CASE WHEN c.status = 'rejected' THEN c.closed_at END),
  ('merge', NULL, '综治中心', '综治中心', 'reported', 'merged', '', true,
   CASE WHEN c.status = 'merged' THEN c.closed_at END),
  ('dispatch', NULL, '综治中心', '综治中心', 'accepted', 'dispatched', '', true,
   CASE WHEN c.return_count > 0 THEN c.dispatched_at - interval '2 hours' END),
  ('return', NULL, '部门联络员', '部门联络员', 'dispatched', 'accepted', 'not_in_remit', true,
   CASE WHEN c.return_count > 0 THEN c.dispatched_at - interval '1 hour' END),
  ('dispatch', NULL, '综治中心', '综治中心', 'accepted', 'dispatched', '', true, c.dispatched_at),
  ('sign', NULL, '承办人', '承办人', 'dispatched', 'in_progress', '', true, CASE WHEN NOT c.sh THEN c.signed_at END),
  ('hold', NULL, '综治中心', '综治中心', 'in_progress', 'on_hold', '', true, c.held_at),
  ('resolve', c.resolved_by_id, '承办人', '承办人', 'in_progress', 'resolved', '', true,
   CASE WHEN NOT c.sh THEN c.resolved_at END),
  ('verify_ok', NULL, '网格员', '网格员', 'resolved', 'closed', '', true,
   CASE WHEN c.status = 'closed' THEN c.closed_at END),
  ('rate', NULL, '群众', '群众', 'closed', 'closed', '', true, c.rated_at),
  ('supervise', NULL, 'system', '系统', c.status, c.status, 'overdue', false, c.supervised_at)
) AS e(action, actor, who, role, fs, ts, reason, pub, at)
WHERE e.at IS NOT NULL
"""

_GRANTS_SQL = """
INSERT INTO cases_casegroupobjectpermission (group_id, permission_id, content_object_id)
SELECT DISTINCT d.group_id, %(perm)s, cd.case_id
FROM cases_casedispatch cd JOIN governance_department d ON d.id = cd.department_id
WHERE cd.department_id IS NOT NULL AND d.group_id IS NOT NULL
"""

_SEQUENCE_SQL = """
INSERT INTO cases_casenumbersequence (street_id, year, last)
SELECT street_id, to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYY')::int, count(*)
FROM cases_case WHERE street_id IN (SELECT street_id FROM gen_grid)
GROUP BY 1, 2
"""
