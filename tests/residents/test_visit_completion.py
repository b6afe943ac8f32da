"""走访完成率 against a hand-computed oracle: a small table of plans and visits with the expected
(done on time, due) pair written out, through ``residents.selectors.visit_completion`` (mobilisation's
三色研判) and ``completion_by_grid`` (the statistics page and the assessment share it)."""

from __future__ import annotations

from datetime import date

import pytest

from residents.models import Visit
from residents.selectors import completion_by_grid, visit_completion
from residents.statistics import visit_completion_by_worker
from tests.residents.setups import build_completion_table

pytestmark = pytest.mark.django_db

D = date
MARCH = (D(2025, 3, 1), D(2025, 3, 31))
TODAY = D(2025, 4, 15)
# The oracle table is ``tests.residents.setups.build_completion_table`` (its docstring has the expected pairs).


@pytest.fixture
def table(world, hood):
    return build_completion_table(world, hood)


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
    worker = next(r for r in rows if r["user"].id == world.users["grid_worker"].id)
    assert (worker["on_time"], worker["due"], worker["rate"]) == (4, 8, 0.5)
