"""微心愿: every step an event, the people allowed to take it, the deadline sweep, the public list."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from mobilisation import services
from mobilisation.choices import WishStatus
from mobilisation.models import MobilisationEvent, PointsEntry, Wish
from tests.concurrency import run_at_once

from .helpers import at, confirmed_member, jpeg, published_wish, unit

T0 = at(2026, 11, 16, 9, 0)


def actions(wish) -> list[str]:
    return list(MobilisationEvent.objects.filter(subject="wish", object_id=wish.pk).values_list("action", flat=True))


@pytest.mark.django_db
def test_wish_from_posting_to_points_writes_one_event_per_step(world):
    services.points_rule_set(
        actor=world.street_officer, street=world.street, task_type="wish", points=20, monthly_cap=0
    )
    power = unit(world)
    member = confirmed_member(world, unit_=power)
    wish = published_wish(world, now=T0)
    assert wish.status == WishStatus.PUBLISHED
    services.wish_claim(actor=member, wish_id=wish.pk, now=T0 + timedelta(hours=1))
    wish.refresh_from_db()
    assert (wish.status, wish.claimed_by, wish.claimed_unit) == (WishStatus.CLAIMED, member, power)
    assert wish.claim_due_at == T0 + timedelta(hours=1, days=7)
    services.wish_fulfil(actor=member, wish_id=wish.pk, photo=jpeg(), note="已送到家中", now=T0 + timedelta(days=2))
    services.wish_confirm(wish_id=wish.pk, token=wish.follow_up_token, now=T0 + timedelta(days=3))
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED and wish.photo.name.startswith("wishes/")
    assert actions(wish) == ["submit", "accept", "publish", "claim", "fulfil", "confirm"]
    entry = PointsEntry.objects.get(wish=wish)
    assert (entry.member, entry.unit, entry.points, entry.task_type) == (member, power, 20, "wish")
    assert MobilisationEvent.objects.get(subject="wish", object_id=wish.pk, action="confirm").actor_name == "居民"


@pytest.mark.django_db
def test_who_may_take_each_step(world):
    member = confirmed_member(world)
    stranger = confirmed_member(world, "dy_b", "外社区党员", community=world.community_b)
    with pytest.raises(Forbidden):  # grid B's worker cannot post for community A
        services.wish_submit(
            actor=world.outsider, community=world.community, title="x", description="y", resident_name="z"
        )
    wish = services.wish_submit(
        actor=None, community=world.community, title="修门锁", description="门锁坏了", resident_name="李奶奶"
    )
    with pytest.raises(NotFound):  # outside their scope
        services.wish_review(actor=world.community_b_officer, wish_id=wish.pk, accept=True)
    with pytest.raises(InvalidInput):
        services.wish_review(actor=world.community_officer, wish_id=wish.pk, accept=False, reason="")
    with pytest.raises(NotAllowed):  # not accepted yet
        services.wish_publish(actor=world.community_officer, wish_id=wish.pk)
    services.wish_review(actor=world.street_officer, wish_id=wish.pk, accept=True)
    services.wish_publish(actor=world.community_officer, wish_id=wish.pk)
    with pytest.raises(Forbidden):  # registered in another community
        services.wish_claim(actor=stranger, wish_id=wish.pk)
    services.wish_claim(actor=member, wish_id=wish.pk)
    with pytest.raises(NotAllowed):
        services.wish_claim(actor=member, wish_id=wish.pk)
    with pytest.raises(InvalidInput):  # no photo
        services.wish_fulfil(actor=member, wish_id=wish.pk, photo=None)
    with pytest.raises(NotFound):  # claimed by someone else, in another community: not theirs even to see
        services.wish_fulfil(actor=stranger, wish_id=wish.pk, photo=jpeg())
    with pytest.raises(NotFound):  # a wrong link
        services.wish_confirm(wish_id=wish.pk, token="nope")
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED
    assert actions(wish) == ["submit", "accept", "publish", "claim"]


@pytest.mark.django_db
def test_a_declined_wish_keeps_its_reason(world):
    wish = services.wish_submit(
        actor=world.grid_worker, community=world.community, title="要钱", description="借钱", resident_name="王某"
    )
    services.wish_review(actor=world.community_officer, wish_id=wish.pk, accept=False, reason="不属于微心愿范围")
    wish.refresh_from_db()
    assert (wish.status, wish.decline_reason) == (WishStatus.DECLINED, "不属于微心愿范围")
    assert MobilisationEvent.objects.get(subject="wish", object_id=wish.pk, action="decline").note == "不属于微心愿范围"


@pytest.mark.django_db
def test_sweep_returns_an_overdue_claim_to_the_pool_once(world):
    member = confirmed_member(world)
    late = published_wish(world, title="迟", fulfil_days=2, now=T0)
    on_time = published_wish(world, title="准时", fulfil_days=2, now=T0)
    services.wish_claim(actor=member, wish_id=late.pk, now=T0)
    services.wish_claim(actor=member, wish_id=on_time.pk, now=T0)
    services.wish_fulfil(actor=member, wish_id=on_time.pk, photo=jpeg(), now=T0 + timedelta(days=1))
    assert services.wishes_return_overdue(now=T0 + timedelta(days=2) - timedelta(seconds=1)) == 0
    assert services.wishes_return_overdue(now=T0 + timedelta(days=2)) == 1
    assert services.wishes_return_overdue(now=T0 + timedelta(days=3)) == 0
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.status, late.claimed_by, late.times_returned) == (WishStatus.PUBLISHED, None, 1)
    assert on_time.status == WishStatus.FULFILLED
    assert actions(late)[-1] == "return"
    with pytest.raises(NotAllowed):  # fulfilling after the deadline is refused even before the sweep
        w = published_wish(world, title="又迟", fulfil_days=1, now=T0)
        services.wish_claim(actor=member, wish_id=w.pk, now=T0)
        services.wish_fulfil(actor=member, wish_id=w.pk, photo=jpeg(), now=T0 + timedelta(days=2))
    # the returned wish can be claimed again
    services.wish_claim(actor=member, wish_id=late.pk, now=T0 + timedelta(days=3))


@pytest.mark.django_db
def test_beat_task_runs_the_sweep(world):
    from mobilisation import tasks

    member = confirmed_member(world)
    wish = published_wish(world, fulfil_days=1, now=T0)
    services.wish_claim(actor=member, wish_id=wish.pk, now=T0)
    Wish.objects.filter(pk=wish.pk).update(claim_due_at=T0)  # long past
    assert tasks.return_overdue_wishes.apply().get() == 1
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.PUBLISHED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_return_each_overdue_wish_exactly_once(world):
    member = confirmed_member(world)
    template = published_wish(world, fulfil_days=1, now=T0)
    services.wish_claim(actor=member, wish_id=template.pk, now=T0)
    template.refresh_from_db()
    fields = [f.attname for f in Wish._meta.concrete_fields if f.attname not in ("id", "follow_up_token")]
    Wish.objects.bulk_create(
        Wish(**{f: getattr(template, f) for f in fields}, follow_up_token=f"t-{i}") for i in range(299)
    )
    assert Wish.objects.filter(status=WishStatus.CLAIMED).count() == 300
    results = run_at_once(
        lambda: services.wishes_return_overdue(now=T0 + timedelta(days=5), batch_size=20),
        lambda: services.wishes_return_overdue(now=T0 + timedelta(days=5), batch_size=20),
    )
    assert sum(results) == 300 and len(results) == 2
    per_wish = Counter(
        MobilisationEvent.objects.filter(subject="wish", action="return").values_list("object_id", flat=True)
    )
    assert len(per_wish) == 300 and set(per_wish.values()) == {1}
    assert set(Wish.objects.values_list("status", "times_returned").distinct()) == {(WishStatus.PUBLISHED, 1)}


@pytest.mark.django_db
@pytest.mark.parametrize("language, system", [("zh-hans", "系统"), ("en", "System")])
def test_the_wishs_timeline_names_the_sweep_in_the_readers_language(world, web, language, system):
    """The sweep's return of an overdue claim says who acted in words ("系统" / "System"), not its marker."""
    member = confirmed_member(world)
    late = published_wish(world, title="迟", fulfil_days=2, now=T0)
    services.wish_claim(actor=member, wish_id=late.pk, now=T0)
    assert services.wishes_return_overdue(now=T0 + timedelta(days=2)) == 1
    client = web("community_officer")
    client.cookies["django_language"] = language
    html = client.get(f"/party/wishes/{late.pk}/").content.decode()
    assert f"<strong>{system}</strong>" in html and "<strong>system</strong>" not in html
