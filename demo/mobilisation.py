"""Demo data of the mobilisation app (``load_demo`` step): 双报到 members and units, the street's points rules,
service tasks, 微心愿 in every state, 大党委 duties with a report and 民主测评, 三色研判 and 居民议事.

Idempotent: each part looks for its natural key (a unit's name, a wish's title, a topic's title …) and is made,
through the real services, only when missing — so every row has its events, as if people had done it.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import DomainError
from demo.governance import demo_password, ensure_user
from governance.choices import Role
from governance.models import Region, User
from mobilisation import services
from mobilisation.choices import UnitKind
from mobilisation.models import (
    Appraisal,
    DutyItem,
    DutyReport,
    PointsRule,
    RegisteredUnit,
    Registration,
    ServiceTask,
    Topic,
    TriColourRating,
    UnitAccount,
    Wish,
)

STREET = "620201001"
XIONGGUAN = "620201001001"
GUANCHENG = "620201001002"

RULES = [
    ("cleanup", 10, 30),
    ("patrol", 8, 32),
    ("elderly", 10, 40),
    ("publicity", 5, 20),
    ("other", 5, 20),
    ("wish", 20, 60),
]
UNITS = [
    ("酒钢集团公司", UnitKind.COMMITTEE_MEMBER, "刘建国"),
    ("嘉峪关市第三中学", UnitKind.COMMITTEE_MEMBER, "王丽"),
    ("国网嘉峪关供电公司", UnitKind.COMMITTEE_MEMBER, "李明"),
    ("雄关农贸市场管理公司", UnitKind.RESIDENT_UNIT, "赵强"),
    ("雄关律师事务所党支部", UnitKind.TWO_NEW, "钱律师"),
]
MEMBERS = [
    ("dangyuan01", "王红梅", "国网嘉峪关供电公司"),
    ("dangyuan02", "陈志强", "酒钢集团公司"),
    ("dangyuan03", "马晓燕", "嘉峪关市第三中学"),
]


#: The demo login of 国网嘉峪关供电公司 (a 大党委 member unit registered with 雄关社区).
UNIT_LOGIN = "gongdian01"


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (70, 140, 90)).save(buf, "JPEG")
    return SimpleUploadedFile("done.jpg", buf.getvalue(), content_type="image/jpeg")


def build() -> None:
    street = Region.objects.filter(code=STREET).first()
    xg = Region.objects.filter(code=XIONGGUAN).first()
    gc = Region.objects.filter(code=GUANCHENG).first()
    if street is None or xg is None or gc is None:
        return
    officer = User.objects.get(username="shequ01")
    officer_b = User.objects.get(username="shequ02")
    street_officer = User.objects.get(username="jiedao01")
    grid_worker = User.objects.get(username="wangge01")
    now = timezone.now()

    for task_type, points, cap in RULES:
        if PointsRule.objects.filter(street=street, task_type=task_type).exists():
            continue
        services.points_rule_set(
            actor=street_officer, street=street, task_type=task_type, points=points, monthly_cap=cap
        )

    units = {}
    for name, kind, contact in UNITS:
        units[name], _created = RegisteredUnit.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "street": street, "contact_name": contact, "contact_phone": "0937-6200000"},
        )
    if not Registration.objects.filter(unit=units["国网嘉峪关供电公司"], kind="unit").exists():
        reg = services.registration_submit(actor=officer, community=xg, basis="work", unit=units["国网嘉峪关供电公司"])
        services.registration_decide(actor=officer, registration_id=reg.pk, confirm=True)

    members = {}
    for username, full_name, unit_name in MEMBERS:
        user = ensure_user(username, role=Role.CITIZEN, full_name=full_name, phone="13990000000")
        members[username] = user
        if not Registration.objects.filter(member=user).exists():
            reg = services.registration_submit(
                actor=user,
                community=xg,
                basis="residence",
                member=user,
                unit=units[unit_name],
                phone="13990000000",
                skills="理发、家电维修" if username == "dangyuan01" else "法律咨询",
                availability="周末全天",
            )
            if username != "dangyuan03":  # dangyuan03 waits for the community's confirmation
                services.registration_decide(actor=officer, registration_id=reg.pk, confirm=True)
            if username == "dangyuan01":  # registered where she works too
                reg2 = services.registration_submit(
                    actor=user, community=gc, basis="work", member=user, unit=units[unit_name]
                )
                services.registration_decide(actor=officer_b, registration_id=reg2.pk, confirm=True)
    a, b = members["dangyuan01"], members["dangyuan02"]

    # Service tasks: one done (points), one open with sign-ups, one cancelled.
    if not ServiceTask.objects.filter(title="清洁家园·楼道清理").exists():
        done = services.task_create(
            actor=officer,
            community=xg,
            title="清洁家园·楼道清理",
            task_type="cleanup",
            place="雄关小区1-3栋",
            starts_at=now - timedelta(days=3),
            capacity=10,
            description="清理楼道堆物，张贴消防提示",
        )
        for m in (a, b):
            services.task_signup(actor=m, task_id=done.pk)
        services.task_record_attendance(actor=officer, task_id=done.pk, attended_member_ids=[a.pk])
        upcoming = services.task_create(
            actor=officer,
            community=xg,
            title="夜间平安巡逻",
            task_type="patrol",
            place="雄关社区东门集合",
            starts_at=now + timedelta(days=2),
            capacity=6,
        )
        services.task_signup(actor=b, task_id=upcoming.pk)
        cancelled = services.task_create(
            actor=officer,
            community=xg,
            title="防诈骗宣讲",
            task_type="publicity",
            place="社区活动室",
            starts_at=now + timedelta(days=5),
        )
        services.task_cancel(actor=officer, task_id=cancelled.pk, reason="宣讲老师临时有事，改期另行通知")

    # 微心愿 in every state.
    def wish(title: str, description: str, resident: str, *, public: bool = False) -> Wish | None:
        if Wish.objects.filter(title=title).exists():
            return None
        return services.wish_submit(
            actor=None if public else grid_worker,
            community=xg,
            title=title,
            description=description,
            resident_name=resident,
            resident_phone="13812340000",
            resident_address="雄关小区",
        )

    w = wish("想给孙子买一套课外书", "孙子上初一，想要几本课外读物", "李桂兰", public=True)  # submitted
    w = wish("希望有人帮忙修理电视", "家里电视没有信号", "赵德明")
    if w:
        services.wish_review(actor=officer, wish_id=w.pk, accept=True)  # accepted
    for title, desc in (
        ("想要一台助行器", "腿脚不便，出门需要助行器"),
        ("想学用智能手机视频通话", "想和外地的女儿视频"),
    ):
        w = wish(title, desc, "张大爷")
        if w:
            services.wish_review(actor=officer, wish_id=w.pk, accept=True)
            services.wish_publish(actor=officer, wish_id=w.pk)  # published
    w = wish("帮忙换一个楼道灯泡", "三单元楼道灯坏了，老人晚上不敢下楼", "孙奶奶")
    if w:
        services.wish_review(actor=officer, wish_id=w.pk, accept=True)
        services.wish_publish(actor=officer, wish_id=w.pk)
        services.wish_claim(actor=b, wish_id=w.pk)  # claimed
    w = wish("想理一次发", "行动不便，没法去理发店", "周大爷")
    if w:
        services.wish_review(actor=officer, wish_id=w.pk, accept=True)
        services.wish_publish(actor=officer, wish_id=w.pk)
        services.wish_claim(actor=a, wish_id=w.pk)
        services.wish_fulfil(actor=a, wish_id=w.pk, photo=_photo(), note="上门理发，老人很满意")  # fulfilled
    w = wish("想要一辆轮椅", "老伴腿脚不便", "吴阿姨")
    if w:
        services.wish_review(actor=officer, wish_id=w.pk, accept=True)
        services.wish_publish(actor=officer, wish_id=w.pk)
        services.wish_claim(actor=a, wish_id=w.pk)
        services.wish_fulfil(actor=a, wish_id=w.pk, photo=_photo(), note="单位捐赠轮椅一辆")
        services.wish_confirm(wish_id=w.pk, token=w.follow_up_token)  # confirmed, points awarded
    w = wish("希望社区帮忙还房贷", "每月压力太大", "某居民")
    if w:
        services.wish_review(actor=officer, wish_id=w.pk, accept=False, reason="不属于微心愿范围，已转社区就业帮扶咨询")

    # 大党委 duties, a report, 民主测评.
    power = units["国网嘉峪关供电公司"]
    steel = units["酒钢集团公司"]
    if not DutyItem.objects.filter(unit=power).exists():
        d1 = services.duty_add(actor=officer, unit=power, place=xg, title="每季度开展一次安全用电入户检查")
        services.duty_add(actor=officer, unit=power, place=xg, title="老旧小区线路改造协调")
        services.duty_add(actor=street_officer, unit=steel, place=street, title="提供就业岗位信息，每半年一次招聘会")
        services.duty_report_submit(
            actor=officer,
            unit=power,
            place=xg,
            period="2026-H2",
            text="下半年开展安全用电检查两次，协调线路改造一处。",
            items={str(d1.pk): "检查入户126户，整改隐患9处"},
        )
    if not Appraisal.objects.filter(unit=power).exists():
        raters = list(User.objects.filter(username__in=["shequ01", "jiedao01", "jiedao02", "dangyuan01", "dangyuan02"]))
        closed = services.appraisal_open(actor=officer, unit=power, place=xg, period="2026-H1", raters=raters)
        for rater, rating in zip(raters, ["good", "good", "fair", "good", "average"], strict=False):
            services.appraisal_rate(actor=rater, appraisal_id=closed.pk, rating=rating)
        services.appraisal_close(actor=officer, appraisal_id=closed.pk)
        services.appraisal_open(actor=officer, unit=power, place=xg, period="2026-H2", raters=raters)
    if not DutyReport.objects.filter(unit=steel).exists():
        services.duty_report_submit(
            actor=street_officer, unit=steel, place=street, period="2026-H2", text="举办招聘会一次，提供岗位120个。"
        )

    # The supply company's own login (单位账号): its contact person sees only the company's duties, reports,
    # tasks, points and wishes. Opened through the service; kept on the demo password like every demo account.
    if not UnitAccount.objects.filter(user__username=UNIT_LOGIN).exists():
        try:
            services.unit_account_create(
                actor=street_officer,
                unit=power,
                username=UNIT_LOGIN,
                full_name="李明",
                password=demo_password(),
                phone="13993700001",
                email=f"{UNIT_LOGIN}@demo.example.cn",
            )
        except DomainError:  # a DEMO_PASSWORD the password rules refuse: no unit login in this demo
            pass
    if UnitAccount.objects.filter(user__username=UNIT_LOGIN).exists():
        ensure_user(UNIT_LOGIN)

    # 三色研判 (needs the demo cases; skipped quietly when a community has nothing to weigh yet).
    period = f"{timezone.localdate():%Y}"
    for community in (xg, gc):
        if not TriColourRating.objects.filter(community=community, period=period).exists():
            try:
                services.tricolour_compute(actor=street_officer, community=community, period=period)
            except DomainError:
                continue
    rating = TriColourRating.objects.filter(community=gc, period=period, adjustment_reason="").first()
    if rating is not None and rating.colour != "yellow":
        services.tricolour_adjust(
            actor=street_officer, rating_id=rating.pk, colour="yellow", reason="群众来信反映物业问题较多，提级关注"
        )

    # 居民议事: published (with a follow-up task), decided, open.
    if not Topic.objects.filter(title="小区电动车充电难").exists():
        t = services.topic_create(
            actor=officer,
            community=xg,
            title="小区电动车充电难",
            description="楼道飞线充电多，存在火灾隐患，居民希望建集中充电桩。",
        )
        m = services.meeting_record(
            actor=officer,
            topic_id=t.pk,
            format="evening_talk",
            held_at=now - timedelta(days=6),
            place="雄关社区党群服务中心",
            attendees=["居民代表甲", "居民代表乙", "物业经理", "楼栋长", "供电所代表"],
            decision_mode="vote",
            options=[("在3号楼北侧建集中充电棚", 4), ("各楼栋分散安装", 1)],
            decision="在3号楼北侧建集中充电棚，供电公司负责接电。",
        )
        services.followup_create(
            actor=officer,
            meeting_id=m.pk,
            title="充电棚建设现场清理",
            kind="service_task",
            task_type="cleanup",
            address="3号楼北侧",
            starts_at=now + timedelta(days=7),
        )
        services.topic_publish(actor=officer, topic_id=t.pk)
    if not Topic.objects.filter(title="广场舞噪音").exists():
        t2 = services.topic_create(
            actor=officer, community=xg, title="广场舞噪音", description="晚间广场舞音量大，影响休息。"
        )
        services.meeting_record(
            actor=officer,
            topic_id=t2.pk,
            format="secretary_chat",
            held_at=now - timedelta(days=2),
            place="社区广场",
            attendees=["舞蹈队队长", "居民代表丙", "居民代表丁"],
            decision_mode="consensus",
            options=[],
            decision="晚九点前结束，音量控制在60分贝以内，由舞蹈队自行监督。",
        )
    if not Topic.objects.filter(title="老旧小区加装电梯").exists():
        services.topic_create(
            actor=officer_b, community=gc, title="老旧小区加装电梯", description="关城小区多栋六层楼，老人上下楼难。"
        )
