"""走访完成率 against a hand-computed oracle: a small table of plans and visits with the expected
(done on time, due) pair written out, through ``residents.selectors.visit_completion`` (mobilisation's
三色研判) and ``completion_by_grid`` (the statistics page and the assessment share it)."""

from __future__ import annotations

from datetime import date

import pytest

from residents.models import Visit
from residents.selectors import completion_by_grid, visit_completion
from residents.services import plan_add, resident_move_away, resident_save, tag_add, tag_end, visit_record
from residents.statistics import visit_completion_by_worker
from tests.residents.setups import id_number

pytestmark = pytest.mark.django_db

D = date
MARCH = (D(2025, 3, 1), D(2025, 3, 31))
TODAY = D(2025, 4, 15)


@pytest.fixture
def table(world, hood):
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

    p1 = plan(1, D(2025, 3, 5), 100)
    visit(p1, D(2025, 3, 4))
    p2 = plan(2, D(2025, 3, 10), 100)
    visit(p2, D(2025, 3, 10))
    corrections = tag_add(
        actor=admin, resident=person(3), category=hood.categories["corrections"], first_visit_on=D(2025, 3, 12)
    )
    visit(corrections.plans.get(), D(2025, 3, 20))
    plan(4, D(2025, 3, 15), 100)
    p5 = plan(5, D(2025, 3, 18), 100)
    resident_move_away(actor=admin, resident=p5.resident, moved_away_on=D(2025, 3, 25))
    elderly = tag_add(
        actor=admin, resident=person(6), category=hood.categories["elderly_alone"], first_visit_on=D(2025, 3, 22)
    )
    tag_end(actor=admin, tag=elderly, ended_on=D(2025, 3, 20))
    p7 = plan(7, D(2025, 2, 25), 30)
    visit(p7, D(2025, 3, 2))
    p8 = plan(8, D(2025, 4, 5), 100)
    visit(p8, D(2025, 3, 28))
    p9 = plan(9, D(2025, 3, 8), 10)
    visit(p9, D(2025, 3, 1))
    visit(p9, D(2025, 3, 11))
    late = visit(p9, D(2025, 2, 20))
    plan(10, D(2025, 4, 20), 100)
    other = resident_save(actor=admin, house=hood.houses["b101"], name="完成率11", id_number=id_number(111))
    plan_add(actor=admin, resident=other, reason="P11", every_days=100, due_on=D(2025, 3, 10))
    visit_record(actor=admin, house=house, found="入户走访", visited_on=D(2025, 3, 5))
    return {"late": late}


def test_march_oracle(world, table):
    assert visit_completion(community_id=world.community.id, date_from=MARCH[0], date_to=MARCH[1], today=TODAY) == (
        4,
        8,
    )


def test_march_and_april_oracle(world, table):
    figure = visit_completion(
        community_id=world.community.id, date_from=D(2025, 3, 1), date_to=D(2025, 4, 30), today=TODAY
    )
    assert figure == (5, 10)


def test_a_due_date_still_ahead_is_not_counted_until_it_passes(world, table):
    # On 04-21 P3's next due date (04-19) and P10 (due 04-20) have passed unvisited: two more due, none done.
    figure = visit_completion(
        community_id=world.community.id, date_from=D(2025, 3, 1), date_to=D(2025, 4, 30), today=D(2025, 4, 21)
    )
    assert figure == (5, 12)


def test_other_community_and_nothing_due(world, table):
    assert visit_completion(community_id=world.community_b.id, date_from=MARCH[0], date_to=MARCH[1], today=TODAY) == (
        0,
        1,
    )
    assert visit_completion(community_id=world.community.id, date_from=D(2024, 1, 1), date_to=D(2024, 1, 31)) is None
    assert visit_completion(community_id=world.community.id, date_from=MARCH[1], date_to=MARCH[0]) is None


def test_a_visit_recorded_late_answers_no_due_date(table):
    late = table["late"]
    assert Visit.objects.get(pk=late.pk).due_on is None


def test_scoped_to_what_the_viewer_may_see(world, table):
    """P3 is a 社区矫正 plan: the grid's full-time worker counts it, the part-time worker and the community
    centre (not in the category's audience) see a figure without it — no trace of the hidden category."""
    args = {"community_id": world.community.id, "date_from": MARCH[0], "date_to": MARCH[1], "today": TODAY}
    assert visit_completion(**args, user=world.users["grid_worker"]) == (4, 8)
    assert visit_completion(**args, user=world.users["part_timer"]) == (4, 7)
    assert visit_completion(**args, user=world.users["community_officer"]) == (4, 7)
    assert visit_completion(**args, user=world.users["outsider"]) is None  # grid B's worker reaches nothing here


def test_per_grid_and_per_worker_share_the_definition(world, table):
    by_grid = completion_by_grid(
        grid_ids=[world.grid_a.id, world.grid_b.id], date_from=MARCH[0], date_to=MARCH[1], today=TODAY
    )
    assert by_grid == {world.grid_a.id: (4, 8), world.grid_b.id: (0, 1)}
    rows = visit_completion_by_worker(
        user=world.users["admin"], grid_ids=[world.grid_a.id], date_from=MARCH[0], date_to=MARCH[1], today=TODAY
    )
    worker = next(r for r in rows if r["user"] == world.users["grid_worker"])
    assert (worker["on_time"], worker["due"], worker["rate"]) == (4, 8, 0.5)
