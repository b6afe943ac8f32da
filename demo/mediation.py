"""Demo data of the mediation app (``load_demo`` step): disputes in every state — registered, mediating (one
already past its track's limit), agreed with and without 司法确认, failed and turned into a case, referred, and one
transferred from people's to judicial mediation — so the figures page has something to show.

Idempotent: each dispute is looked up by its title and made through the real services only when missing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from governance.models import Category, Region, User
from grids.models import Grid
from mediation import services
from mediation.models import Dispute, TrackLimit

XIONGGUAN = "620201001001"
GUANCHENG = "620201001002"


def _parties(a: str, b: str, *, b_org: bool = False) -> list[dict]:
    return [
        {"kind": "person", "role": "applicant", "name": a, "phone": "13700000001"},
        {"kind": "organisation" if b_org else "person", "role": "respondent", "name": b, "phone": "13700000002"},
    ]


def build() -> None:
    xg = Region.objects.filter(code=XIONGGUAN).first()
    gc = Region.objects.filter(code=GUANCHENG).first()
    if xg is None or gc is None:
        return
    for track, days in (("people", 30), ("administrative", 30), ("judicial", 30)):
        TrackLimit.objects.get_or_create(track=track, defaults={"days": days})
    officer = User.objects.get(username="shequ01")
    officer_b = User.objects.get(username="shequ02")
    street = User.objects.get(username="jiedao01")
    worker = User.objects.get(username="wangge01")
    grid = Grid.objects.filter(community=xg).order_by("code").first()
    now = timezone.now()

    def dispute(title: str, **kw) -> Dispute | None:
        if Dispute.objects.filter(title=title).exists():
            return None
        actor = kw.pop("actor", officer)
        if actor.role == "grid_worker":
            kw.setdefault("grid", grid)
        else:
            kw.setdefault("community", xg)
        return services.dispute_open(actor=actor, title=title, **kw)

    dispute(
        "楼上装修噪音扰民",
        actor=worker,
        kind="neighbour",
        description="周末早七点开始装修，楼下老人休息受影响。",
        parties=_parties("周大妈", "刘先生"),
        risk="low",
    )
    d = dispute(
        "小区停车位占用纠纷",
        kind="property",
        description="业主车位被长期占用，物业处理不力。",
        parties=_parties("业主孙某", "雄关物业服务公司", b_org=True),
        amount="2400",
        risk="medium",
    )
    if d:
        services.dispute_start(actor=officer, dispute_id=d.pk, track="people", mediator_body="雄关社区人民调解委员会")
    d = dispute(
        "拖欠装修工人工资",
        kind="labour",
        description="装修队拖欠三名工人工资共计一万二千元。",
        parties=_parties("工人马某", "某装修队", b_org=True),
        amount="12000",
        risk="high",
    )
    if d:  # started long ago: past the limit, the sweep flags it
        services.dispute_start(
            actor=officer,
            dispute_id=d.pk,
            track="administrative",
            mediator_body="雄关司法所",
            now=now - timedelta(days=35),
        )
        services.disputes_flag_overdue(now=now)
    d = dispute(
        "卫生间漏水损坏楼下吊顶",
        actor=worker,
        kind="neighbour",
        description="楼上防水层老化漏水，楼下吊顶损坏。",
        parties=_parties("赵阿姨", "钱先生"),
        amount="3000",
        risk="low",
    )
    if d:
        services.dispute_assign(actor=officer, dispute_id=d.pk, handler=worker)
        services.dispute_start(actor=worker, dispute_id=d.pk, track="people", mediator_body="雄关一网格调解小组")
        services.session_record(
            actor=worker,
            dispute_id=d.pk,
            held_at=now - timedelta(hours=3),
            place="赵阿姨家中",
            mediators="王网格、楼栋长",
            outcome="agreement",
            agreement_text="钱先生三日内修复防水并赔偿吊顶维修费1500元。",
            signatories=["赵阿姨", "钱先生", "王网格"],
        )
    d = dispute(
        "离婚后子女抚养费纠纷",
        kind="family",
        description="前夫半年未付抚养费。",
        parties=_parties("李女士", "张先生"),
        amount="9000",
        risk="medium",
    )
    if d:
        services.dispute_start(actor=officer, dispute_id=d.pk, track="people", mediator_body="雄关社区人民调解委员会")
        services.session_record(
            actor=officer,
            dispute_id=d.pk,
            held_at=now - timedelta(days=1),
            place="社区调解室",
            mediators="陈调解员",
            outcome="agreement",
            agreement_text="张先生分三期补付抚养费九千元。",
            signatories=["李女士", "张先生"],
            judicial_confirmation=True,
            confirmation_court="示范区人民法院",
            confirmation_date=timezone.localdate(now - timedelta(hours=2)),
        )
    d = dispute(
        "旅游团费退款纠纷",
        kind="tourism",
        description="旅行社取消行程拒不退款。",
        parties=_parties("游客吴某", "某旅行社", b_org=True),
        amount="5600",
        risk="medium",
    )
    if d:
        services.dispute_start(actor=officer, dispute_id=d.pk, track="people", mediator_body="雄关社区人民调解委员会")
        services.dispute_transfer(
            actor=street,
            dispute_id=d.pk,
            track="judicial",
            mediator_body="示范区人民法院诉前调解",
            reason="涉及合同条款，转诉前调解",
        )
    d = dispute(
        "商铺租金纠纷",
        community=gc,
        actor=officer_b,
        kind="contract",
        description="商户与房东就租金上涨协商不成。",
        parties=_parties("商户冯某", "房东蒋某"),
        amount="20000",
        risk="medium",
    )
    if d:
        services.dispute_start(actor=officer_b, dispute_id=d.pk, track="people", mediator_body="关城社区人民调解委员会")
        services.session_record(
            actor=officer_b,
            dispute_id=d.pk,
            held_at=now - timedelta(days=2),
            place="社区调解室",
            mediators="韩调解员",
            outcome="no_agreement",
            notes="双方对涨幅分歧大",
        )
        category = Category.objects.filter(code="0209").first() or Category.objects.filter(parent__isnull=False).first()
        services.dispute_to_case(actor=officer_b, dispute_id=d.pk, category=category)
    d = dispute(
        "宅基地边界争议",
        kind="housing",
        description="两户院墙边界争议，涉及历史遗留问题。",
        parties=_parties("杨某", "朱某"),
        risk="high",
    )
    if d:
        services.dispute_start(actor=officer, dispute_id=d.pk, track="people", mediator_body="雄关社区人民调解委员会")
        services.dispute_refer(
            actor=street, dispute_id=d.pk, referred_to="示范区自然资源局", reason="需确权，移交主管部门"
        )
    d = dispute(
        "广告牌遮挡采光纠纷",
        kind="neighbour",
        description="临街商户广告牌遮挡二楼住户采光。",
        parties=_parties("住户秦某", "某餐馆", b_org=True),
        risk="low",
    )
    if d:  # failed: the community decides next whether it becomes a case or is referred
        services.dispute_start(actor=officer, dispute_id=d.pk, track="people", mediator_body="雄关社区人民调解委员会")
        services.session_record(
            actor=officer,
            dispute_id=d.pk,
            held_at=now - timedelta(hours=5),
            place="社区调解室",
            mediators="陈调解员",
            outcome="no_agreement",
            notes="商户不同意拆除",
        )
