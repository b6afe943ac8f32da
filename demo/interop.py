"""The demo's 12345 hotline (docs/interop-12345.md): a partner connected to 雄关街道 and a few of its orders.

- **the partner** 嘉峪关市12345热线 (key id ``demo12345``, secret ``demo-12345-secret``), its category-code mapping
  (five codes) and callback ``http://127.0.0.1:8765/callbacks`` — where ``manage.py hotline_sim --key-id
  demo12345 --secret demo-12345-secret`` listens. With no simulator running the messages wait in the outbox
  (admin → 外发消息) and are retried; start it to see them delivered;
- **orders in different states**, filed through ``order_receive`` and moved by the real services:
  one just received (待受理), one signed for and dispatched to 市场监管所, one whose code has no mapping (in the
  street's 待分类 queue, reason shown — street staff can place it), one with a 退单申请 waiting at the hotline,
  one 特急 (emergency: the partner's 2-hour limit, first on the hotline desk) and one closed and followed up by
  the hotline (回访: contacted, solved, basically satisfied).

Idempotent by natural keys: the partner by key id, mappings by code, each order by its order id (an order
already there is left as it is).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cases.services import case_transition
from governance.models import Category, Department, Region, User
from grids.models import Grid
from interop.models import CategoryMapping, Partner
from interop.services import OrderIntake, decision_apply, order_receive, order_return_request, partner_ensure_user

KEY_ID, SECRET = "demo12345", "demo-12345-secret"
CALLBACK = "http://127.0.0.1:8765/callbacks"
MAPPINGS = [
    ("BJ-0101", "垃圾清运", "0101"),
    ("BJ-0102", "楼道堆物", "0102"),
    ("BJ-0202", "违法建设", "0202"),
    ("BJ-0204", "餐饮油烟", "0204"),
    ("BJ-0205", "井盖", "0205"),
]


def _partner() -> Partner:
    street = Region.objects.get(code="620201001")
    fallback = Category.objects.get(code="0103")
    partner, _ = Partner.objects.get_or_create(
        key_id=KEY_ID,
        defaults={
            "name": "嘉峪关市12345热线",
            "secret": SECRET,
            "street": street,
            "fallback_category": fallback,
            "callback_url": CALLBACK,
        },
    )
    partner_ensure_user(partner=partner)
    for code, name, category in MAPPINGS:
        CategoryMapping.objects.get_or_create(
            partner=partner, code=code, defaults={"name": name, "category": Category.objects.get(code=category)}
        )
    return partner


def _point(grid_code: str) -> tuple[float, float]:
    g = Grid.objects.get(code=grid_code)
    return round((g.min_lat + g.max_lat) / 2, 6), round((g.min_lng + g.max_lng) / 2, 6)


def _receive(partner: Partner, order_id: str, *, code: str, content: str, address: str, hours_ago: float, **kw):
    now = timezone.now() - timedelta(hours=hours_ago)
    lat, lng = kw.pop("point", (None, None))
    intake = OrderIntake(
        order_id=order_id,
        request_type=kw.pop("request_type", "complaint"),
        content=content,
        address=address,
        category_code=code,
        lat=lat,
        lng=lng,
        requester_name=kw.pop("name", "张女士"),
        requester_phone=kw.pop("phone", "13909370001"),
        urgency=kw.pop("urgency", "normal"),
        resolution_due_at=now + timedelta(days=7),
        response_due_at=now + timedelta(hours=2),
    )
    return order_receive(partner=partner, intake=intake, payload={"order_id": order_id, "demo": True}, now=now)


@transaction.atomic
def build() -> None:
    partner = _partner()
    officer = User.objects.get(username="jiedao01")
    liaison = User.objects.get(username="shijian01")
    scjg = Department.objects.get(code="scjg")
    xg1 = _point("XG-01-01")

    _receive(
        partner,
        "DEMO-12345-0001",
        code="BJ-0101",
        content="雄关一网格北门垃圾桶满溢，两天没人清运",
        address="雄关一网格北门",
        hours_ago=0.5,
        point=xg1,
    )

    order, created = _receive(
        partner,
        "DEMO-12345-0002",
        code="BJ-0204",
        content="楼下烧烤店油烟直排，晚上十点后还在营业",
        address="雄关一网格 3 号楼底商",
        hours_ago=20,
        point=xg1,
        name="刘先生",
        phone="13909370002",
    )
    if created:
        at = timezone.now() - timedelta(hours=19)
        case_transition(case_id=order.case_id, action="accept", actor=officer, now=at)
        case_transition(
            case_id=order.case_id,
            action="dispatch",
            actor=officer,
            departments=[scjg.id],
            now=at,
            note="请市场监管所核查",
        )
        case_transition(case_id=order.case_id, action="sign", actor=liaison, now=at + timedelta(minutes=40))

    _receive(
        partner,
        "DEMO-12345-0003",
        code="BJ-9999",
        content="小区健身器材损坏，存在安全隐患",
        address="雄关一网格中心广场",
        hours_ago=3,
        point=xg1,
        request_type="help",
    )

    order, created = _receive(
        partner,
        "DEMO-12345-0004",
        code="BJ-0202",
        content="反映某小区顶楼私搭乱建",
        address="新华南路 88 号院",
        hours_ago=5,
        name="王先生",
        phone="13909370004",
    )
    if created:
        at = timezone.now() - timedelta(hours=4)
        case_transition(case_id=order.case_id, action="accept", actor=officer, now=at)
        order_return_request(
            order_id=order.pk,
            actor=officer,
            reason_code="wrong_area",
            text="新华南路 88 号院属水果湖街道辖区，请改派",
            now=at + timedelta(minutes=10),
        )

    _receive(  # 特急: the partner's emergency limits (30 min to respond, 2 h to resolve) set its clock
        partner,
        "DEMO-12345-0006",
        code="BJ-0205",
        content="人行道井盖缺失，已有行人险些跌落",
        address="雄关一网格 2 号楼东侧人行道",
        hours_ago=0.2,
        point=xg1,
        request_type="help",
        urgency="emergency",
        name="孙先生",
        phone="13909370006",
    )

    order, created = _receive(
        partner,
        "DEMO-12345-0005",
        code="BJ-0101",
        content="单元门口建筑垃圾堆放",
        address="雄关一网格 5 号楼",
        hours_ago=72,
        point=xg1,
        name="赵女士",
        phone="13909370005",
    )
    if created:
        start = timezone.now() - timedelta(hours=71)
        steps = [
            ("accept", {}, 0),
            ("dispatch", {"region": partner.street_id}, 10),
            ("sign", {}, 20),
            ("resolve", {"note": "已联系物业清运建筑垃圾，现场已清理干净"}, 300),
            ("close", {}, 320),
        ]
        for action, extra, minutes in steps:
            case_transition(
                case_id=order.case_id, action=action, actor=officer, now=start + timedelta(minutes=minutes), **extra
            )
        decision_apply(
            partner=partner,
            order_id=order.order_id,
            decision_id="DEMO-FU-0005",
            kind="follow_up",
            data={
                "valid": True,
                "contacted": True,
                "solved": True,
                "satisfaction": "basic",
                "note": "已清理，希望加强巡查",
            },
            now=start + timedelta(hours=30),
        )
