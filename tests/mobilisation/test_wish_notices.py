"""微心愿 deadline notices through the notice outbox: the claimer is warned as the deadline nears, and when a claim
lapses the claimer and the community are told the wish went back to the pool — each exactly once, set-wise, also
with two sweeps at once on PostgreSQL; texts in Chinese, shown in English to an English reader."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import translation

from escalation.models import Notice
from escalation.notice_text import localize
from mobilisation import services
from mobilisation.models import MobilisationEvent, Wish
from tests.concurrency import run_at_once

from .helpers import at, confirmed_member, jpeg, published_wish

T0 = at(2026, 11, 16, 9, 0)


def notices(key_prefix: str) -> list[tuple[str, str, str]]:
    return sorted(
        Notice.objects.filter(dedupe_key__startswith=key_prefix).values_list("recipient__username", "kind", "url")
    )


@pytest.mark.django_db
def test_the_claimer_is_warned_once_a_day_before_the_deadline(world):
    member = confirmed_member(world)
    wish = published_wish(world, fulfil_days=7, now=T0)
    services.wish_claim(actor=member, wish_id=wish.pk, now=T0)
    wish.refresh_from_db()
    assert wish.claim_warn_at == T0 + timedelta(days=6)
    assert services.wishes_warn_due(now=T0 + timedelta(days=6) - timedelta(seconds=1)) == 0
    assert services.wishes_warn_due(now=T0 + timedelta(days=6)) == 1
    assert services.wishes_warn_due(now=T0 + timedelta(days=6, hours=1)) == 0
    assert notices("wish-warn:") == [(member.username, "yellow", f"/party/wishes/{wish.pk}/")]
    title = Notice.objects.get(dedupe_key__startswith="wish-warn:").title
    assert title == f"【心愿临期】您认领的心愿「{wish.title}」将于11-23 09:00到期，请及时完成并上传照片"
    warn_events = MobilisationEvent.objects.filter(subject="wish", object_id=wish.pk, action="warn")
    assert warn_events.count() == 1 and warn_events.get().actor_id is None
    wish.refresh_from_db()
    assert wish.claim_warn_at is None


@pytest.mark.django_db
def test_a_short_wish_is_warned_halfway_and_a_fulfilled_one_never(world):
    member = confirmed_member(world)
    short = published_wish(world, title="短", fulfil_days=1, now=T0)
    done = published_wish(world, title="已完成", fulfil_days=2, now=T0)
    services.wish_claim(actor=member, wish_id=short.pk, now=T0)
    services.wish_claim(actor=member, wish_id=done.pk, now=T0)
    assert Wish.objects.get(pk=short.pk).claim_warn_at == T0 + timedelta(hours=12)
    services.wish_fulfil(actor=member, wish_id=done.pk, photo=jpeg(), now=T0 + timedelta(hours=2))
    assert services.wishes_warn_due(now=T0 + timedelta(hours=13)) == 1  # the short one, halfway
    assert services.wishes_warn_due(now=T0 + timedelta(days=1, hours=1)) == 0  # the other was fulfilled
    assert [k for (k,) in Notice.objects.filter(recipient=member).values_list("dedupe_key")] == [
        f"wish-warn:{short.pk}:{int(T0.timestamp())}"
    ]


@pytest.mark.django_db
def test_a_lapsed_claim_tells_the_claimer_and_the_community_once(world):
    member = confirmed_member(world)
    wish = published_wish(world, fulfil_days=2, now=T0)
    services.wish_claim(actor=member, wish_id=wish.pk, now=T0)
    assert services.wishes_return_overdue(now=T0 + timedelta(days=2)) == 1
    assert services.wishes_return_overdue(now=T0 + timedelta(days=3)) == 0
    url = f"/party/wishes/{wish.pk}/"
    assert notices("wish-return:") == [(member.username, "red", url), ("shequ01", "red", url)]
    mine = Notice.objects.get(recipient=member, dedupe_key__startswith="wish-return:")
    assert mine.title.startswith("【心愿退回】您认领的心愿「想要一个助行器」逾期未完成")
    assert not Notice.objects.filter(recipient__in=[world.street_officer, world.community_b_officer]).exists()
    # the claim lapsed before any warning ran: the warning sweep no longer warns it
    assert services.wishes_warn_due(now=T0 + timedelta(days=3)) == 0
    # claimed again and lapsed again: a new deadline, new notices
    services.wish_claim(actor=member, wish_id=wish.pk, now=T0 + timedelta(days=3))
    assert services.wishes_return_overdue(now=T0 + timedelta(days=6)) == 1
    assert len(notices("wish-return:")) == 4


@pytest.mark.django_db
def test_the_beat_task_warns_then_returns(world):
    from mobilisation import tasks

    member = confirmed_member(world)
    warned = published_wish(world, title="将到期", fulfil_days=7, now=T0)
    lapsed = published_wish(world, title="已过期", fulfil_days=7, now=T0)
    services.wish_claim(actor=member, wish_id=warned.pk)
    services.wish_claim(actor=member, wish_id=lapsed.pk)
    Wish.objects.filter(pk=warned.pk).update(claim_warn_at=T0)
    Wish.objects.filter(pk=lapsed.pk).update(claim_due_at=T0)
    assert tasks.return_overdue_wishes.apply().get() == 1
    assert len(notices("wish-warn:")) == 1 and len(notices("wish-return:")) == 2


@pytest.mark.django_db
def test_the_texts_are_shown_in_english_to_an_english_reader(world, web):
    member = confirmed_member(world)
    wish = published_wish(world, fulfil_days=2, now=T0)
    services.wish_claim(actor=member, wish_id=wish.pk, now=T0)
    services.wishes_warn_due(now=T0 + timedelta(days=1, hours=1))
    services.wishes_return_overdue(now=T0 + timedelta(days=2))
    titles = list(Notice.objects.filter(recipient=member).order_by("id").values_list("title", flat=True))
    with translation.override("en"):
        english = [localize(t) for t in titles]
    assert english == [
        f"[Wish due soon] The wish “{wish.title}” you claimed is due at 11-18 09:00: "
        "please fulfil it and upload a photo",
        f"[Wish returned] The wish “{wish.title}” you claimed was not fulfilled in time (due 11-18 09:00) and is "
        "open to claim again",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_warn_and_return_each_wish_exactly_once(world):
    member = confirmed_member(world)
    template = published_wish(world, fulfil_days=2, now=T0)
    services.wish_claim(actor=member, wish_id=template.pk, now=T0)
    template.refresh_from_db()
    fields = [f.attname for f in Wish._meta.concrete_fields if f.attname not in ("id", "follow_up_token")]
    Wish.objects.bulk_create(
        Wish(**{f: getattr(template, f) for f in fields}, follow_up_token=f"t-{i}") for i in range(199)
    )

    def both(fn, now) -> list[int]:
        return run_at_once(lambda: fn(now=now, batch_size=15), lambda: fn(now=now, batch_size=15))

    assert sum(both(services.wishes_warn_due, T0 + timedelta(days=1, hours=1))) == 200
    assert sum(both(services.wishes_return_overdue, T0 + timedelta(days=3))) == 200
    warned = Counter(Notice.objects.filter(dedupe_key__startswith="wish-warn:").values_list("dedupe_key", flat=True))
    assert len(warned) == 200 and set(warned.values()) == {1}
    returned = Counter(
        Notice.objects.filter(dedupe_key__startswith="wish-return:").values_list("recipient_id", flat=True)
    )
    assert returned == {member.pk: 200, world.community_officer.pk: 200}
    per_wish = Counter(
        MobilisationEvent.objects.filter(subject="wish", action__in=["warn", "return"]).values_list(
            "object_id", "action"
        )
    )
    assert len(per_wish) == 400 and set(per_wish.values()) == {1}
