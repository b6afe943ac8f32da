"""A neighbourhood on the test street: buildings and houses in grid A and grid B, residents with valid
(fictional) ID numbers, and tagged people of several categories — all written through the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from governance.choices import Role
from governance.models import User
from residents.builtin import builtin_categories_ensure
from residents.choices import HouseUse, PopulationKind
from residents.identity import make_id_number
from residents.models import Building, House, Resident, ResidentTag, TagCategory
from residents.services import building_create, house_create, resident_save, tag_add
from tests.factories.world import PASSWORD, World


@dataclass
class Hood:
    building_a: Building
    building_b: Building
    houses: dict[str, House] = field(default_factory=dict)
    people: dict[str, Resident] = field(default_factory=dict)
    tags: dict[str, ResidentTag] = field(default_factory=dict)
    categories: dict[str, TagCategory] = field(default_factory=dict)


def id_number(n: int, born: date = date(1980, 5, 17)) -> str:
    return make_id_number(area="620201", born=born, sequence=n)


def build_hood(world: World) -> Hood:
    builtin_categories_ensure(TagCategory)
    cats = {c.code: c for c in TagCategory.objects.all()}
    cats["corrections"].departments.add(world.departments["sfs"])
    cats["elderly_alone"] = TagCategory.objects.create(
        code="elderly_alone",
        name="独居老人",
        group="local",
        sensitivity=1,
        audience=["grid_leader", "full_time_worker", "part_time_worker", "community_staff", "street_staff",
                  "district_staff"],
        visit_every_days=30,
    )  # fmt: skip
    world.users["liaison_sfs"] = User.objects.create_user(
        username="sifa01",
        password=PASSWORD,
        role=Role.LIAISON,
        full_name="司法所联络员",
        department=world.departments["sfs"],
    )
    admin = world.users["admin"]
    ba = building_create(actor=admin, grid=world.grid_a, name="3号楼", address="雄关路1号", floors=6, units=2)
    bb = building_create(actor=admin, grid=world.grid_b, name="1号楼", address="关城路9号", floors=3, units=1)
    hood = Hood(building_a=ba, building_b=bb, categories=cats)
    for key, building, unit, floor, number, use in [
        ("a101", ba, 1, 1, "101", HouseUse.OWNER),
        ("a102", ba, 1, 1, "102", HouseUse.RENTED),
        ("a201", ba, 1, 2, "201", HouseUse.OWNER),
        ("a202", ba, 2, 2, "202", HouseUse.VACANT),
        ("b101", bb, 1, 1, "101", HouseUse.OWNER),
    ]:
        hood.houses[key] = house_create(actor=admin, building=building, unit=unit, floor=floor, number=number, use=use)
    for key, name, house, n, extra in [
        ("corr", "测试甲", "a101", 1, {}),
        ("corr_wife", "测试乙", "a101", 2, {"relation": "spouse"}),
        ("youth", "测试丙", "a102", 3, {"kind": PopulationKind.FLOATING, "permit_type": "居住证"}),
        ("mental", "测试丁", "a201", 5, {}),
        ("elder", "测试戊", "a201", 7, {"relation": "parent"}),
        ("plain", "测试己", "a102", 9, {"relation": "tenant"}),
        ("drugs_b", "测试庚", "b101", 11, {}),
    ]:
        hood.people[key] = resident_save(
            actor=admin, house=hood.houses[house], name=name, id_number=id_number(n), phone=f"1390000{n:04d}", **extra
        )
    for key, person, category in [
        ("corr", "corr", "corrections"),
        ("youth", "youth", "youth"),
        ("mental", "mental", "mental"),
        ("elder", "elder", "elderly_alone"),
        ("drugs_b", "drugs_b", "drugs"),
    ]:
        hood.tags[key] = tag_add(actor=admin, resident=hood.people[person], category=cats[category])
    return hood
