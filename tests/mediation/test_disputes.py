"""三调联动: a dispute from finding to an outcome, every change an event; transfers between tracks; failed
mediation to a case or a referral; the parties' contact masked; the track deadline sweep exactly once."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest

from cases.models import Case
from core.errors import Forbidden, InvalidInput, NotAllowed
from mediation import services
from mediation.choices import Status
from mediation.models import Dispute, DisputeEvent, TrackLimit
from mediation.permissions import sees_party_contact
from mediation.selectors import disputes_for, figures
from tests.concurrency import run_at_once

from .helpers import T0, open_dispute, start


def actions(d) -> list[str]:
    return list(DisputeEvent.objects.filter(dispute=d).values_list("action", flat=True))


@pytest.mark.django_db
def test_a_dispute_mediated_to_an_agreement_with_judicial_confirmation(world):
    d = open_dispute(world, amount="3500.5", risk="medium")
    assert (d.found_level, d.amount, d.community) == ("grid", Decimal("3500.50"), world.community)
    d = start(world, d, now=T0)
    assert d.due_at == T0 + timedelta(days=30)  # people's mediation default
    with pytest.raises(InvalidInput):  # one signatory is not an agreement
        services.session_record(
            actor=world.community_officer,
            dispute_id=d.pk,
            held_at=T0,
            place="调解室",
            mediators="王调解",
            outcome="agreement",
            agreement_text="赔偿",
            signatories=["张三"],
            now=T0,
        )
    s = services.session_record(
        actor=world.community_officer,
        dispute_id=d.pk,
        held_at=T0 + timedelta(days=1),
        place="社区调解室",
        mediators="王调解员",
        outcome="agreement",
        agreement_text="李四赔偿张三维修费2000元，三日内付清。",
        signatories=["张三", "李四", "王调解员"],
        judicial_confirmation=True,
        confirmation_court="示范区人民法院",
        confirmation_date=(T0 + timedelta(days=3)).date(),
        now=T0 + timedelta(days=1),
    )
    d.refresh_from_db()
    assert (d.status, d.resolved_level) == (Status.AGREED, "community")
    assert s.judicial_confirmation and s.signatories == ["张三", "李四", "王调解员"]
    assert actions(d) == ["open", "start", "session"]
    with pytest.raises(NotAllowed):
        start(world, d)


@pytest.mark.django_db
def test_transfer_between_tracks_is_an_event_with_a_new_clock(world):
    TrackLimit.objects.create(track="judicial", days=15)
    d = start(world, open_dispute(world))
    with pytest.raises(InvalidInput):
        services.dispute_transfer(
            actor=world.street_officer, dispute_id=d.pk, track="judicial", mediator_body="法院", reason=""
        )
    with pytest.raises(Forbidden):  # the grid worker found it but does not manage it
        services.dispute_transfer(
            actor=world.grid_worker, dispute_id=d.pk, track="judicial", mediator_body="法院", reason="x"
        )
    later = T0 + timedelta(days=10)
    d = services.dispute_transfer(
        actor=world.street_officer,
        dispute_id=d.pk,
        track="judicial",
        mediator_body="示范区人民法院",
        reason="涉及金额大，转诉前调解",
        now=later,
    )
    assert (d.track, d.due_at) == ("judicial", later + timedelta(days=15))
    event = DisputeEvent.objects.get(dispute=d, action="transfer")
    assert (event.data["from"], event.data["to"], event.note) == ("people", "judicial", "涉及金额大，转诉前调解")


@pytest.mark.django_db
def test_failed_mediation_becomes_a_case_without_the_parties_contact(world):
    d = start(world, open_dispute(world))
    services.session_record(
        actor=world.community_officer,
        dispute_id=d.pk,
        held_at=T0,
        place="调解室",
        mediators="王调解",
        outcome="no_agreement",
        notes="双方分歧大",
        now=T0,
    )
    with pytest.raises(Forbidden):
        services.dispute_to_case(actor=world.grid_worker, dispute_id=d.pk, category=world.categories["0101"])
    d = services.dispute_to_case(actor=world.community_officer, dispute_id=d.pk, category=world.categories["0101"])
    case = Case.objects.get(pk=d.result_case_id)
    assert d.status == Status.TO_CASE and case.community == world.community and case.grid == world.grid_a
    assert "13811112222" not in case.description and "楼上漏水" in case.title
    assert actions(d)[-1] == "to_case"


@pytest.mark.django_db
def test_referral_needs_a_recipient_and_a_reason(world):
    d = start(world, open_dispute(world))
    with pytest.raises(InvalidInput):
        services.dispute_refer(actor=world.community_officer, dispute_id=d.pk, referred_to="", reason="x")
    services.dispute_refer(
        actor=world.community_officer, dispute_id=d.pk, referred_to="示范区信访局", reason="涉及多户"
    )
    d.refresh_from_db()
    assert (d.status, d.referred_to) == (Status.REFERRED, "示范区信访局")


@pytest.mark.django_db
def test_open_from_a_case_in_scope_only(world):
    from tests.cases.helpers import file_case

    case = file_case(world, code="0101")
    d = services.dispute_open(
        actor=world.community_officer,
        title="垃圾引发邻里争吵",
        kind="neighbour",
        description="d",
        parties=[{"name": "甲"}, {"name": "乙"}],
        source_case_id=case.pk,
    )
    assert (d.source_case, d.grid, d.found_level) == (case, world.grid_a, "community")
    with pytest.raises(InvalidInput) as refused:  # a field of the form (source_case), as for a case that is not
        services.dispute_open(
            actor=world.community_b_officer,
            title="x",
            kind="neighbour",
            description="d",
            parties=[{"name": "甲"}, {"name": "乙"}],
            source_case_id=case.pk,
        )
    assert refused.value.code == "source_case"
    with pytest.raises(InvalidInput):
        services.dispute_open(
            actor=world.community_officer,
            title="x",
            kind="neighbour",
            description="d",
            parties=[{"name": "甲"}],
            community=world.community,
        )
    with pytest.raises(Forbidden):
        services.dispute_open(
            actor=world.community_b_officer,
            title="x",
            kind="neighbour",
            description="d",
            parties=[{"name": "甲"}, {"name": "乙"}],
            community=world.community,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "sees", "contact"),
    [
        ("grid_worker", True, False),
        ("outsider", False, False),
        ("community_officer", True, False),
        ("community_b_officer", False, False),
        ("street_officer", True, True),
        ("other_street_officer", False, False),
        ("district_officer", True, True),
        ("liaison", False, False),
        ("admin", True, True),
    ],
)
def test_scope_and_contact_masking_by_persona(world, persona, sees, contact):
    d = open_dispute(world)
    user = world.users[persona]
    assert disputes_for(user).filter(pk=d.pk).exists() == sees
    assert sees_party_contact(user, d) == contact


@pytest.mark.django_db
def test_sweep_flags_an_overdue_track_once_and_a_transfer_restarts_it(world):
    d = start(world, open_dispute(world), now=T0)
    assert services.disputes_flag_overdue(now=T0 + timedelta(days=30) - timedelta(seconds=1)) == 0
    assert services.disputes_flag_overdue(now=T0 + timedelta(days=30)) == 1
    assert services.disputes_flag_overdue(now=T0 + timedelta(days=31)) == 0
    services.dispute_transfer(
        actor=world.street_officer,
        dispute_id=d.pk,
        track="administrative",
        mediator_body="司法所",
        reason="转行政调解",
        now=T0 + timedelta(days=31),
    )
    d.refresh_from_db()
    assert d.overdue_at is None
    assert services.disputes_flag_overdue(now=T0 + timedelta(days=62)) == 1
    assert actions(d) == ["open", "start", "overdue", "transfer", "overdue"]


@pytest.mark.django_db
def test_figures_per_community_against_a_hand_count(world):
    # community A: 3 found — agreed at grid, agreed at community, failed; community B: 1 found, still open.
    def conclude(d, outcome, actor, **kw):
        start(world, d, actor=world.community_officer if d.community == world.community else world.community_b_officer)
        services.session_record(
            actor=actor,
            dispute_id=d.pk,
            held_at=T0,
            place="p",
            mediators="m",
            outcome=outcome,
            now=T0 + timedelta(hours=1),
            **kw,
        )

    a1 = open_dispute(world, title="一")
    services.dispute_assign(actor=world.community_officer, dispute_id=a1.pk, handler=world.grid_worker)
    conclude(a1, "agreement", world.grid_worker, agreement_text="和解", signatories=["张三", "李四"])
    conclude(
        open_dispute(world, title="二"),
        "agreement",
        world.community_officer,
        agreement_text="和解",
        signatories=["张三", "李四"],
    )
    conclude(open_dispute(world, title="三"), "no_agreement", world.community_officer)
    open_dispute(world, title="四", actor=world.outsider, grid=world.grid_b)
    rows = {r["name"]: r for r in figures(world.street_officer, by="community", date_from=T0.date(), date_to=T0.date())}
    a = rows["雄关社区"]
    assert (a["found"], a["mediated"], a["concluded"], a["agreed"]) == (3, 3, 3, 2)
    assert (a["at_grid"], a["at_community"], a["at_street"]) == (1, 1, 0)
    assert a["success_rate"] == pytest.approx(2 / 3) and a["within_street"] == 1.0
    b = rows["关城社区"]
    assert (b["found"], b["mediated"], b["concluded"], b["success_rate"]) == (1, 0, 0, None)
    assert [
        r["name"] for r in figures(world.community_officer, by="community", date_from=T0.date(), date_to=T0.date())
    ] == ["雄关社区"]


@pytest.mark.django_db
def test_beat_task_runs_the_sweep(world):
    from mediation import tasks

    d = start(world, open_dispute(world), now=T0)
    Dispute.objects.filter(pk=d.pk).update(due_at=T0)
    assert tasks.flag_overdue_disputes.apply().get() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_flag_each_overdue_dispute_exactly_once(world):
    template = start(world, open_dispute(world), now=T0)
    fields = [f.attname for f in Dispute._meta.concrete_fields if f.attname != "id"]
    Dispute.objects.bulk_create(Dispute(**{f: getattr(template, f) for f in fields}) for _ in range(199))
    results = run_at_once(
        lambda: services.disputes_flag_overdue(now=T0 + timedelta(days=40), batch_size=15),
        lambda: services.disputes_flag_overdue(now=T0 + timedelta(days=40), batch_size=15),
    )
    assert sum(results) == 200
    per = Counter(DisputeEvent.objects.filter(action="overdue").values_list("dispute_id", flat=True))
    assert len(per) == 200 and set(per.values()) == {1}


@pytest.mark.django_db
def test_a_failed_mediation_made_into_a_case_by_an_english_officer_keeps_chinese_texts(world):
    """The case's title and description are kept in the site's language (``core.stored_text.kept``), the dispute's
    kind among them — an English officer's request kept "Neighbour dispute，调解未达成协议。…"."""
    from django.utils import translation

    d = start(world, open_dispute(world))
    services.session_record(actor=world.community_officer, dispute_id=d.pk, held_at=T0, place="调解室",
                            mediators="王调解", outcome="no_agreement", notes="双方分歧大", now=T0)  # fmt: skip
    with translation.override("en"):
        d = services.dispute_to_case(actor=world.community_officer, dispute_id=d.pk, category=world.categories["0101"])
    case = Case.objects.get(pk=d.result_case_id)
    assert case.title.startswith("调解不成：")
    assert not re.search(r"[A-Za-z]", case.title + case.description), (case.title, case.description)


@pytest.mark.django_db
@pytest.mark.parametrize("language, system", [("zh-hans", "系统"), ("en", "System")])
def test_the_disputes_timeline_names_the_sweep_in_the_readers_language(world, web, language, system):
    """The sweep's flag on a dispute's timeline says who acted in words ("系统" / "System"), not its marker."""
    d = start(world, open_dispute(world), now=T0)
    assert services.disputes_flag_overdue(now=T0 + timedelta(days=30)) == 1
    client = web("community_officer")
    client.cookies["django_language"] = language
    timeline = client.get(f"/mediation/{d.pk}/").content.decode().split('class="timeline"', 1)[1].split("</ol>")[0]
    assert f"<strong>{system}</strong>" in timeline and "<strong>system</strong>" not in timeline
