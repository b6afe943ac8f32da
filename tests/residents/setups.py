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
from residents.services import (
    building_create,
    house_create,
    plan_add,
    resident_move_away,
    resident_save,
    tag_add,
    tag_end,
    visit_record,
)
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


def build_completion_table(world, hood) -> dict:
    """The oracle table (period 2025-03-01 … 2025-03-31, today 2025-04-15), grid A of 雄关社区 unless said:

    | plan | due   | every | what happens                                   | counts in March (done, due) |
    |------|-------|-------|------------------------------------------------|-----------------------------|
    | P1   | 03-05 | 100   | visited 03-04 (early)                          | (1, 1)                      |
    | P2   | 03-10 | 100   | visited 03-10 (on the day)                     | (1, 1)                      |
    | P3   | 03-12 | 30    | 社区矫正 tag's plan, visited 03-20 (late) →     | (0, 1)                      |
    |      |       |       | next due 04-19, not yet due on 04-15           |                             |
    | P4   | 03-15 | 100   | never visited, still active                    | (0, 1)                      |
    | P5   | 03-18 | 100   | never visited; person moved away 03-25         | (0, 1)  missed before it ended |
    | P6   | 03-22 | 30    | 独居老人 tag ended 03-20, before it fell due     | (0, 0)                      |
    | P7   | 02-25 | 30    | visited 03-02 → next due 04-01, not visited    | (0, 0)  (April: (0, 1))     |
    | P8   | 04-05 | 100   | visited 03-28 (early for April)                | (0, 0)  (April: (1, 1))     |
    | P9   | 03-08 | 10    | visited 03-01 → due 03-11, visited 03-11 → due | (2, 3)                      |
    |      |       |       | 03-21, missed; a 02-20 visit recorded late     |                             |
    | P10  | 04-20 | 100   | not yet due on 04-15                           | (0, 0)  (April: (0, 0))     |
    | P11  | 03-10 | 100   | grid B (关城社区), never visited                 | other community             |
    | —    |       |       | a house visit 03-05 without a plan             | (0, 0)                      |

    March, 雄关社区: (1+1+0+0+0+0+0+0+2, 1+1+1+1+1+0+0+0+3) = (4, 8).
    March … April: plus P7's missed 04-01 and P8's early visit: (5, 10).
    """
    admin = world.users["admin"]
    house = hood.houses["a202"]

    def person(n: int):
        return resident_save(actor=admin, house=house, name=f"完成率{n}", id_number=id_number(100 + n))

    def plan(n: int, due: date, every: int):
        return plan_add(actor=admin, resident=person(n), reason=f"P{n}", every_days=every, due_on=due)

    def visit(p, on: date):
        return visit_record(actor=admin, plan=p, found="走访正常", visited_on=on)

    p1 = plan(1, date(2025, 3, 5), 100)
    visit(p1, date(2025, 3, 4))
    p2 = plan(2, date(2025, 3, 10), 100)
    visit(p2, date(2025, 3, 10))
    corrections = tag_add(
        actor=admin, resident=person(3), category=hood.categories["corrections"], first_visit_on=date(2025, 3, 12)
    )
    visit(corrections.plans.get(), date(2025, 3, 20))
    plan(4, date(2025, 3, 15), 100)
    p5 = plan(5, date(2025, 3, 18), 100)
    resident_move_away(actor=admin, resident=p5.resident, moved_away_on=date(2025, 3, 25))
    elderly = tag_add(
        actor=admin, resident=person(6), category=hood.categories["elderly_alone"], first_visit_on=date(2025, 3, 22)
    )
    tag_end(actor=admin, tag=elderly, ended_on=date(2025, 3, 20))
    p7 = plan(7, date(2025, 2, 25), 30)
    visit(p7, date(2025, 3, 2))
    p8 = plan(8, date(2025, 4, 5), 100)
    visit(p8, date(2025, 3, 28))
    p9 = plan(9, date(2025, 3, 8), 10)
    visit(p9, date(2025, 3, 1))
    visit(p9, date(2025, 3, 11))
    late = visit(p9, date(2025, 2, 20))
    plan(10, date(2025, 4, 20), 100)
    other = resident_save(actor=admin, house=hood.houses["b101"], name="完成率11", id_number=id_number(111))
    plan_add(actor=admin, resident=other, reason="P11", every_days=100, due_on=date(2025, 3, 10))
    visit_record(actor=admin, house=house, found="入户走访", visited_on=date(2025, 3, 5))
    return {"late": late}
