"""Disputes for the mediation tests, made through the real services."""

from __future__ import annotations

from mediation import services
from tests.mobilisation.helpers import at

T0 = at(2026, 11, 16, 9, 0)

PARTIES = [
    {"kind": "person", "role": "applicant", "name": "张三", "phone": "13811112222"},
    {"kind": "person", "role": "respondent", "name": "李四", "phone": "13933334444"},
]


def open_dispute(world, *, actor=None, title="楼上漏水", kind="neighbour", now=T0, **kw):
    actor = actor or world.grid_worker
    if actor.role == "grid_worker":
        kw.setdefault("grid", world.grid_a)
    else:
        kw.setdefault("community", world.community)
    return services.dispute_open(
        actor=actor,
        title=title,
        kind=kind,
        description="楼上卫生间漏水，楼下天花板受损",
        parties=PARTIES,
        now=now,
        **kw,
    )


def start(world, dispute, *, track="people", actor=None, now=T0):
    return services.dispute_start(
        actor=actor or world.community_officer,
        dispute_id=dispute.pk,
        track=track,
        mediator_body="雄关社区人民调解委员会",
        now=now,
    )
