"""A dispute past its track's time limit: its handler, the community's centre and the street's centre are told
through the notice outbox, once per track run — also with two sweeps at once on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import translation

from escalation.models import Notice
from escalation.notice_text import localize
from mediation import services
from mediation.models import Dispute
from tests.concurrency import run_at_once

from .helpers import T0, open_dispute, start


def told() -> list[str]:
    return sorted(
        Notice.objects.filter(dedupe_key__startswith="dispute-overdue:").values_list("recipient__username", flat=True)
    )


@pytest.mark.django_db
def test_overdue_tells_the_handler_the_community_and_the_street_once(world):
    d = open_dispute(world)
    services.dispute_assign(actor=world.community_officer, dispute_id=d.pk, handler=world.grid_worker)
    start(world, d, now=T0)
    assert services.disputes_flag_overdue(now=T0 + timedelta(days=30)) == 1
    assert services.disputes_flag_overdue(now=T0 + timedelta(days=31)) == 0
    assert told() == ["jiedao01", "jiedao02", "shequ01", "wangge01"]
    n = Notice.objects.filter(recipient=world.grid_worker).get()
    assert (n.kind, n.url) == ("red", f"/mediation/{d.pk}/")
    assert n.title == "【调解超期】纠纷「楼上漏水」的人民调解已超过调解期限（12-16 09:00到期），请及时处理"
    with translation.override("en"):
        assert localize(n.title) == (
            "[Mediation overdue] The People's mediation of the dispute “楼上漏水” is past its time limit "
            "(due 12-16 09:00): please act on it"
        )
    # nobody outside: the other community, the other street
    assert not Notice.objects.filter(recipient__in=[world.community_b_officer, world.other_street_officer]).exists()
    # a transfer starts a new limit; past it, everyone is told again
    services.dispute_transfer(
        actor=world.street_officer,
        dispute_id=d.pk,
        track="judicial",
        mediator_body="人民法院",
        reason="转司法调解",
        now=T0 + timedelta(days=31),
    )
    assert services.disputes_flag_overdue(now=T0 + timedelta(days=62)) == 1
    assert len(told()) == 8


@pytest.mark.django_db
def test_without_a_handler_the_centres_are_told(world):
    start(world, open_dispute(world), now=T0)
    services.disputes_flag_overdue(now=T0 + timedelta(days=30))
    assert told() == ["jiedao01", "jiedao02", "shequ01"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_tell_each_recipient_once(world):
    template = open_dispute(world)
    services.dispute_assign(actor=world.community_officer, dispute_id=template.pk, handler=world.grid_worker)
    start(world, template, now=T0)
    template.refresh_from_db()
    fields = [f.attname for f in Dispute._meta.concrete_fields if f.attname != "id"]
    Dispute.objects.bulk_create(Dispute(**{f: getattr(template, f) for f in fields}) for _ in range(149))
    results = run_at_once(
        lambda: services.disputes_flag_overdue(now=T0 + timedelta(days=40), batch_size=15),
        lambda: services.disputes_flag_overdue(now=T0 + timedelta(days=40), batch_size=15),
    )
    assert sum(results) == 150
    keys = Counter(
        Notice.objects.filter(dedupe_key__startswith="dispute-overdue:").values_list("dedupe_key", flat=True)
    )
    assert len(keys) == 150 and set(keys.values()) == {4}  # handler, community centre, two street staff
