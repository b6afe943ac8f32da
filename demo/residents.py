"""The demo's people and places (residents app): buildings and houses in the first community's grids, fictional
residents with valid-checksum fake ID numbers, tagged people with visit plans (some overdue), 民情日记 entries —
one of them already turned into a case through the cases service.

Names are obviously fictional ("王某12"); ID numbers carry the demo district's area code 620201, a birth date
and a sequence chosen so that each is unique, and a correct GB 11643 check character. Phones are 1390000xxxx.

Idempotent: buildings by (grid, name), houses by (building, unit, number), people by their ID number's keyed
hash, tags by (person, category), diary entries by (grid, text), the converted case only while its entry has none.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from cases.services.diary import case_file_from_diary
from governance.models import Category, Department, Region, User
from grids.models import Grid
from residents.builtin import builtin_categories_ensure
from residents.choices import HouseUse, PopulationKind, Relation
from residents.crypto import blind_index
from residents.identity import make_id_number
from residents.models import Building, DiaryEntry, House, Resident, ResidentTag, TagCategory, VisitPlan
from residents.services import building_create, diary_write, house_create, resident_save, tag_add, visits_sweep

FIRST_COMMUNITY = "620201001001"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
USES = [HouseUse.OWNER, HouseUse.OWNER, HouseUse.RENTED, HouseUse.OWNER, HouseUse.VACANT, HouseUse.OWNER]
LOCAL_CATEGORIES = [
    # code, name, sensitivity, audience, visit every days, the household map's dot (each its own: the map's key
    # names every dot by its colour — with the model's one default, three tags shared a dot)
    ("elderly_alone", "独居老人", 1,
     ["grid_leader", "full_time_worker", "part_time_worker", "community_staff", "street_staff", "district_staff"], 30,
     "#15803d"),
    ("petitioner", "重点上访人员", 2, ["grid_leader", "full_time_worker", "street_staff"], 30, "#ca8a04"),
    ("disabled", "残疾人", 1, ["grid_leader", "full_time_worker", "part_time_worker", "community_staff"], 90,
     "#4b5563"),
]  # fmt: skip
DEPARTMENT_LINKS = {"corrections": "sfs", "released": "sfs", "drugs": "pcs"}
# In the first grid (wangge01's): person index → (category, days the first visit is overdue; negative = due later)
TAGGED = [
    (1, "corrections", 12),  # red
    (4, "mental", 2),  # yellow
    (7, "youth", -5),
    (10, "elderly_alone", 40),  # red; the first one-person home from person 10 on (build())
    (13, "petitioner", -10),
    (16, "drugs", 1),  # yellow
    (19, "disabled", 0),
]
DIARY = [
    ("environment", "unhappy", "3号楼楼道堆放大量纸箱杂物，住户担心消防安全，希望尽快清理。", "0102", True),
    ("livelihood", "neutral", "独居老人反映近期腿脚不便，希望社区帮忙联系上门理发。", None, True),
    ("dispute", "agitated", "2单元楼上楼下因漏水发生争执，已初步劝解，需持续关注。", None, True),
    ("suggestion", "content", "居民建议在小区门口增设快递柜，方便老人取件。", None, False),
]


def _person_name(n: int) -> str:
    return f"{SURNAMES[n % len(SURNAMES)]}某{n}"


def _id(n: int) -> str:
    born = date(1950, 1, 1) + timedelta(days=(n * 97) % 20000)
    return make_id_number(area="620201", born=born, sequence=n % 1000)


def _categories() -> dict[str, TagCategory]:
    builtin_categories_ensure(TagCategory)
    for code, name, sensitivity, audience, every, colour in LOCAL_CATEGORIES:
        TagCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "group": "local", "sensitivity": sensitivity, "audience": audience,
                      "visit_every_days": every, "colour": colour},
        )  # fmt: skip
    cats = {c.code: c for c in TagCategory.objects.all()}
    for category, dept_code in DEPARTMENT_LINKS.items():
        dept = Department.objects.filter(code=dept_code).first()
        if dept is not None:
            cats[category].departments.add(dept)
    return cats


def _building(admin: User, grid: Grid, name: str, address: str, floors: int, units: int, per_floor: int, n0: int,
              lat: float, lng: float) -> int:  # fmt: skip
    """One building with its houses and residents; returns the next person number."""
    building = Building.objects.filter(grid=grid, name=name).first() or building_create(
        actor=admin, grid=grid, name=name, address=address, floors=floors, units=units, lat=lat, lng=lng
    )
    n = n0
    for unit in range(1, units + 1):
        for floor in range(1, floors + 1):
            for k in range(1, per_floor + 1):
                number = f"{floor}{k:02d}"
                use = USES[(floor * 3 + unit + k) % len(USES)]
                house = House.objects.filter(building=building, unit=unit, number=number).first() or house_create(
                    actor=admin, building=building, unit=unit, floor=floor, number=number, use=use, lat=lat, lng=lng
                )
                size = 0 if use == HouseUse.VACANT else 1 + (floor + k + unit) % 4
                for member in range(size):
                    n += 1
                    _resident(admin, house, n, member, use)
    return n


def _resident(admin: User, house: House, n: int, member: int, use: str) -> None:
    number = _id(n)
    if Resident.objects.filter(id_number_hmac=blind_index(number)).exists():
        return
    floating = use == HouseUse.RENTED
    extra = {}
    if floating:
        extra = {"kind": PopulationKind.FLOATING, "inflow_reason": "work", "permit_type": "居住证",
                 "registered_on": timezone.localdate() - timedelta(days=300),
                 "permit_expires_on": timezone.localdate() + timedelta(days=(n % 60) - 5),
                 "residence_type": "rented", "hukou_place": "甘肃省酒泉市", "hukou_matches": False}  # fmt: skip
    relation = [Relation.HEAD, Relation.SPOUSE, Relation.CHILD, Relation.PARENT][member % 4]
    if floating and member:
        relation = Relation.TENANT
    resident_save(actor=admin, house=house, name=_person_name(n), id_number=number, phone=f"1390000{n % 10000:04d}",
                  relation=relation, household_number=f"H{house.pk:06d}", **extra)  # fmt: skip


@transaction.atomic
def build() -> None:
    """Create (or complete) the demo's homes, people, tags, visit plans and diary. Safe to run again."""
    admin = User.objects.filter(username="admin").first()
    community = Region.objects.filter(code=FIRST_COMMUNITY).first()
    if admin is None or community is None:
        return
    cats = _categories()
    grids = list(Grid.objects.filter(community=community, kind="community").order_by("code"))
    for gi, grid in enumerate(grids):
        lat = (grid.min_lat + grid.max_lat) / 2 if grid.min_lat is not None else None
        lng = (grid.min_lng + grid.max_lng) / 2 if grid.min_lng is not None else None
        buildings = 2 if gi == 0 else 1
        for b in range(1, buildings + 1):
            _building(admin, grid, f"{b}号楼", f"{grid.name}{b}号楼", floors=6, units=2, per_floor=2,
                          n0=gi * 1000 + b * 200, lat=lat, lng=lng)  # fmt: skip
    if not grids:
        return
    first = grids[0]
    people = list(Resident.objects.filter(grid=first).order_by("id"))
    today = timezone.localdate()
    tagged = False
    household: dict[int | None, int] = {}
    for p in people:
        household[p.house_id] = household.get(p.house_id, 0) + 1
    for index, code, overdue in TAGGED:
        if index >= len(people):
            continue
        person = people[index]
        if code == "elderly_alone":  # someone who does live alone: the nearest one-person home from there on
            person = next((p for p in people[index:] + people[:index] if household[p.house_id] == 1), person)
        if ResidentTag.objects.filter(resident=person, category=cats[code]).exists():
            continue
        tag = tag_add(actor=admin, resident=person, category=cats[code])
        tagged = True
        due = today - timedelta(days=overdue)
        VisitPlan.objects.filter(tag=tag).update(
            due_on=due, yellow_on=due + timedelta(days=1), red_on=due + timedelta(days=cats[code].red_after_days)
        )
    worker = User.objects.filter(username="wangge01").first() or admin
    house = House.objects.filter(grid=first, building__isnull=False).order_by("id").first()
    for topic, mood, text, category_code, follow in DIARY:
        if DiaryEntry.objects.filter(grid=first, text=text).exists():
            continue
        category = Category.objects.filter(code=category_code).first() if category_code else None
        diary_write(actor=worker, grid=first, house=house, topic=topic, mood=mood, text=text,
                    needs_follow_up=follow, category=category)  # fmt: skip
    converted = DiaryEntry.objects.filter(grid=first, text=DIARY[0][2], case_id__isnull=True).first()
    if converted is not None and converted.category_id:
        case_file_from_diary(actor=worker, entry_id=converted.pk)
    if tagged:  # the reminders of the plans just made; later ones are beat's (a re-run adds nothing)
        visits_sweep(today=today)
