"""The demo world's cases (DEMO.md "Cases for the first run"): every status, every level, every channel,
timelines that look lived-in, photos, ratings (mostly satisfied, a few basic and unsatisfied), some yellow,
some overdue, and a couple with limits of a few hours so the ladder visibly climbs within minutes of start-up.

Every case is made the way users make them: ``services.case_file`` and ``services.case_transition`` (and
``case_rate_by_citizen``) with ``now=`` in the past, so events, due times, dispatches and notices are real.
Times are relative to the moment ``build()`` runs. One case is "left alone" and climbed the way the sweep
would have climbed it: an overdue escalation (system actor) at each passed due time.

Idempotent: if the first demo case exists, the step does nothing (the cases would otherwise be filed twice).
Runs after ``demo.governance`` and ``demo.grids`` (it looks people, grids and categories up by natural key).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cases.choices import CLOCK_STATUSES, Channel
from cases.models import Case
from cases.services import case_file, case_rate_by_citizen, case_transition, next_level_for
from core.errors import DomainError
from governance.choices import Level
from governance.models import Category, Department, Region, User
from grids.models import Grid

M = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)


@dataclass(frozen=True)
class Step:
    """One action ``after`` the previous one. ``actor`` is a username; "citizen" rates through the link;
    "system" is the sweep. ``data`` values may be callables of the case (e.g. a date after its due time)."""

    after: timedelta
    action: str
    actor: str
    note: str = ""
    photo: bool = False
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Spec:
    key: str
    code: str
    title: str
    description: str
    address: str
    channel: str
    reporter: str | None  # username; None for citizens, Open311 and API
    ago: timedelta  # filed this long before build()
    grid: str | None = None  # grid code
    community: str | None = None  # region code, when there is no grid
    citizen: tuple[str, str] = ("", "")
    photo: bool = True
    steps: tuple[Step, ...] = ()
    climb: bool = False  # left alone: climbs at every passed due time, as the sweep would have done


def s(after: timedelta, action: str, actor: str, note: str = "", photo: bool = False, **data: Any) -> Step:
    return Step(after, action, actor, note, photo, data)


XG1, XG2, XG3, GC1, MZ1, CC1, HB1 = "XG-01-01", "XG-01-02", "XG-01-03", "XG-02-01", "XG-03-01", "XG-04-01", "SGH-01-01"
XIONGGUAN, GUOYUAN = "620201001001", "620201002002"

# fmt: off
SPECS: list[Spec] = [
    # --- closed and rated --------------------------------------------------------------------------------
    Spec("rubbish", "0101", "雄关路口暴露垃圾", "雄关路与新华路口绿化带内堆有生活垃圾约两袋，有异味。",
         "雄关路与新华路交叉口东南角绿化带", Channel.PATROL, "wangge01", 9 * D, grid=XG1,
         steps=(
             s(20 * M, "self_handle", "wangge01", "已联系保洁员现场清运，绿化带已清理干净。", photo=True),
             s(2 * H, "verify_ok", "shequ01", "社区复核：现场已清理。"),
             s(D, "rate", "shequ01", "电话回访居民，对处理速度表示满意。", result="satisfied"),
         )),
    Spec("flyers", "0104", "单元门非法小广告", "3号楼2单元门口及楼道墙面张贴大量开锁、办证小广告。",
         "雄关二网格 3 号楼 2 单元", Channel.PATROL, "wangge02", 8 * D, grid=XG2,
         steps=(
             s(30 * M, "self_handle", "wangge02", "已铲除小广告并张贴文明提示。", photo=True),
             s(3 * H, "verify_ok", "shequ01"),
             s(D, "rate", "shequ01", "楼栋长反馈满意。", result="satisfied"),
         )),
    Spec("rooftop", "0202", "楼顶违法搭建彩钢房", "5号楼楼顶有住户搭建彩钢房约30平方米，存在安全隐患，邻居多次反映。",
         "雄关一网格 5 号楼楼顶", Channel.PATROL, "wangge01", 12 * D, grid=XG1,
         steps=(
             s(5 * M, "accept", "jiedao01"),
             s(10 * M, "dispatch", "jiedao01", "请城管执法、住建联合处置。", departments=["cgzf", "zj"]),
             s(12 * M, "sign", "chengguan01"),
             s(D, "resolve", "chengguan01", "已下达限期拆除通知书，当事人已自行拆除彩钢房。", photo=True),
             s(2 * H, "verify_ok", "wangge01", "现场核查：楼顶彩钢房已拆除。", photo=True),
             s(D, "rate", "jiedao01", "回访：拆除及时，但前期沟通时间较长。", result="basic"),
         )),
    Spec("fumes", "0204", "餐饮店油烟直排扰民", "楼下烧烤店油烟直排，晚上气味很大，窗户都不敢开。",
         "新华南路 18 号底商烧烤店", Channel.CITIZEN_WEB, None, 10 * D, community=XIONGGUAN,
         citizen=("刘女士", "13919370001"),
         steps=(
             s(40 * M, "accept", "jiedao01"),
             s(10 * M, "dispatch", "jiedao01", departments=["scjg"]),
             s(30 * M, "return_request", "shijian01", "油烟排放超标属生态环境部门职责，请改派。",
               reason="not_in_remit"),
             s(20 * M, "return", "jiedao01", "同意退单，改派市场监管所与生态环境联合处置。"),
             s(10 * M, "dispatch", "jiedao02", "市场监管所与生态环境联合处置。", departments=["scjg", "sthj"]),
             s(H, "sign", "huanbao01"),
             s(2 * D, "resolve", "huanbao01", "已责令安装油烟净化设备，复测达标。", photo=True),
             s(3 * H, "verify_ok", "jiedao01", "街道复核：净化设备已运行。"),
             s(D, "rate", "citizen", "现在好多了，谢谢！", result="satisfied"),
         )),
    Spec("pets", "0105", "邻居家犬只夜间吠叫", "楼上邻居养的狗每天夜里叫，影响老人休息，沟通过没有改善。",
         "雄关三网格 7 号楼 3 单元", Channel.HOTLINE, "shequ01", 7 * D, grid=XG3,
         citizen=("王先生", "13919370002"), photo=False,
         steps=(
             s(15 * M, "accept", "shequ01"),
             s(10 * M, "dispatch", "shequ01", "请网格团队上门调解。", to_grid=True),
             s(H, "sign", "wanggezhang03"),
             s(D, "resolve", "wanggezhang03", "已上门劝导，犬主承诺夜间关窗并加强管理。"),
             s(3 * H, "verify_ok", "shequ01"),
             s(D, "rate", "citizen", "还是在叫，没有根本解决。", result="unsatisfied"),
         )),
    Spec("vending", "0201", "学校门口占道经营", "放学时段校门口有多个流动摊贩占用人行道，学生通行不便。",
         "嘉峪关市第三中学南门", Channel.MESSAGE_BOARD, "jiedao01", 6 * D, grid=XG1,
         citizen=("家长李女士", "13919370003"), photo=False,
         steps=(
             s(20 * M, "accept", "jiedao01"),
             s(5 * M, "dispatch", "jiedao01", departments=["cgzf"]),
             s(30 * M, "sign", "chengguan01"),
             s(5 * H, "resolve", "chengguan01", "已劝离摊贩，放学时段安排队员值守。", photo=True),
             s(2 * H, "close", "jiedao01", "处置到位，结案。"),
             s(D, "rate", "citizen", result="satisfied"),
         )),
    Spec("dirty-road", "0103", "路面油污未清理", "关城路菜市场门口路面大片油污，行人容易滑倒。",
         "关城路农贸市场北门", Channel.PATROL, "wangge07", 5 * D, grid=GC1,
         steps=(
             s(25 * M, "self_handle", "wangge07", "已联系环卫用清洗车冲洗。", photo=True),
             s(4 * H, "verify_ok", "shequ02"),
             s(D, "rate", "shequ02", result="satisfied"),
         )),
    Spec("dispute", "0106", "楼上漏水邻里纠纷", "楼上卫生间漏水到楼下，两家协商赔偿未果，情绪激动。",
         "雄关一网格 2 号楼 502、402", Channel.WALK_IN, "shequ01", 11 * D, grid=XG1,
         citizen=("赵先生", "13919370004"), photo=False,
         steps=(
             s(10 * M, "accept", "shequ01"),
             s(10 * M, "dispatch", "shequ01", "网格长牵头调解。", to_grid=True),
             s(2 * H, "sign", "wanggezhang01"),
             s(2 * D, "resolve", "wanggezhang01", "组织双方调解，达成维修与赔偿协议。"),
             s(4 * H, "verify_ok", "shequ01"),
             s(D, "rate", "citizen", "问题解决了，赔偿比预期少一点。", result="basic"),
         )),
    Spec("o311", "0101", "小区门口垃圾桶满溢", "小区北门垃圾桶已满溢，周边散落垃圾。",
         "雄关一网格北门垃圾收集点", Channel.OPEN311, None, 4 * D, grid=XG1,
         steps=(
             s(40 * M, "self_handle", "wangge01", "已通知环卫加收一次，现场已清理。", photo=True),
             s(3 * H, "verify_ok", "shequ01"),
             s(D, "rate", "citizen", result="satisfied"),
         )),
    Spec("property", "0207", "物业不履行维修义务", "电梯多次故障，物业拖延维修超过一个月。",
         "雄关一网格 9 号楼", Channel.API, None, 15 * D, community=XIONGGUAN,
         citizen=("业主代表陈先生", "13919370005"), photo=False,
         steps=(
             s(H, "accept", "jiedao01"),
             s(10 * M, "dispatch", "jiedao01", departments=["zj"]),
             s(H, "sign", "zhujian01"),
             s(D, "extension_request", "zhujian01", "需物业报修基金审批，申请延期。",
               requested_due_at=lambda c: c.due_at + 5 * D),
             s(2 * H, "extension_approve", "jiedao01", "同意延期。"),
             s(4 * D, "resolve", "zhujian01", "已督促物业更换电梯主板，电梯恢复运行。", photo=True),
             s(4 * H, "verify_ok", "jiedao01"),
             s(D, "rate", "citizen", "终于修好了。", result="satisfied"),
         )),
    Spec("water-main", "0401", "主干道供水管爆裂", "雄关东路供水主管爆裂，路面积水严重，附近小区停水。",
         "雄关东路与建设路交叉口", Channel.HOTLINE, "qu01", 2 * D, community=XIONGGUAN,
         citizen=("过路群众", "13919370006"),
         steps=(
             s(5 * M, "accept", "qu01"),
             s(5 * M, "dispatch", "qu01", "水务紧急抢修。", departments=["sw"]),
             s(10 * M, "sign", "shuiwu01"),
             s(3 * H, "resolve", "shuiwu01", "已关阀抢修，更换破损管段，恢复供水。", photo=True),
             s(H, "close", "qu01"),
             s(H, "rate", "qu01", "回访：市民对抢修速度满意。", result="satisfied"),
         )),
    # --- open, in every status ---------------------------------------------------------------------------
    Spec("clutter-new", "0102", "楼道堆放杂物", "4号楼1单元一楼楼道堆放旧家具、纸箱，堵塞消防通道。",
         "雄关一网格 4 号楼 1 单元", Channel.PATROL, "wangge01", 40 * M, grid=XG1),
    Spec("noise", "0203", "夜间施工噪音扰民", "工地每天晚上十一点后还在施工，噪音很大。",
         "雄关一网格东侧在建工地", Channel.CITIZEN_WEB, None, H, community=XIONGGUAN,
         citizen=("孙女士", "13919370007")),
    Spec("noise-dup", "0203", "工地夜间施工", "东边工地夜里施工，吵得睡不着。",
         "雄关一网格东侧工地", Channel.CITIZEN_WEB, None, 50 * M, community=XIONGGUAN,
         citizen=("周先生", "13919370008"), photo=False,
         steps=(s(20 * M, "merge", "jiedao01", "与同一工地的反映合并办理。", into="noise"),)),
    Spec("rental", "0208", "疑似群租房", "6号楼301出入人员多且杂，疑似群租，存在安全隐患。",
         "雄关二网格 6 号楼 301", Channel.HOTLINE, "jiedao02", 3 * H, grid=XG2,
         citizen=("邻居", "13919370009"), photo=False,
         steps=(s(10 * M, "accept", "jiedao02"),)),
    Spec("fire-lane", "0206", "消防通道被车辆堵塞", "小区消防通道被多辆私家车长期占用。",
         "雄关二网格小区南侧消防通道", Channel.PATROL, "wangge02", 150 * M, grid=XG2,
         steps=(
             s(5 * M, "accept", "jiedao01"),
             s(5 * M, "dispatch", "jiedao01", "消防与派出所联合处置。", departments=["xf", "pcs"]),
         )),
    Spec("shed", "0202", "绿地内私搭棚屋", "小区中心绿地有人私自搭建棚屋堆放废品。",
         "明珠一网格中心绿地", Channel.PATROL, "wangge12", 3 * D, grid=MZ1,
         steps=(
             s(30 * M, "accept", "jiedao01"),
             s(10 * M, "dispatch", "jiedao01", departments=["cgzf"]),
             s(H, "sign", "chengguan01"),
         )),
    Spec("mediation", "0209", "院墙边界纠纷", "两户因院墙边界发生争执，多次调解未果，一方扬言起诉。",
         "长城社区 12 号院", Channel.WALK_IN, "jiedao01", 5 * D, grid=CC1,
         citizen=("马先生", "13919370010"), photo=False,
         steps=(
             s(20 * M, "accept", "jiedao01"),
             s(10 * M, "dispatch", "jiedao01", "三调联动。", departments=["sfs", "pcs"]),
             s(H, "sign", "sifa01"),
             s(D, "hold_request", "sifa01", "当事人已向法院起诉，等待判决结果后再行调解。",
               hold_until=lambda c: c.due_at + 30 * D),
             s(H, "hold_approve", "jiedao01", "同意挂账，判决后恢复调解。"),
         )),
    Spec("vending-2", "0201", "早市占道经营", "早市摊位占用机动车道，早高峰交通拥堵。",
         "雄关一网格早市路段", Channel.PATROL, "wangge01", 2 * D, grid=XG1,
         steps=(
             s(10 * M, "accept", "jiedao01"),
             s(10 * M, "dispatch", "jiedao01", departments=["cgzf"]),
             s(20 * M, "sign", "chengguan01"),
             s(5 * H, "resolve", "chengguan01", "已规范早市摊位至划定区域。", photo=True),
         )),
    Spec("rejected", "0101", "反映垃圾未清运", "小区门口垃圾没人收。",
         "雄关一网格北门", Channel.CITIZEN_WEB, None, 3 * D, community=XIONGGUAN,
         citizen=("匿名", ""), photo=False,
         steps=(s(H, "reject", "shequ01", "经核实，该点位垃圾已于当日清运，不予重复受理。"),)),
    Spec("collapse", "0301", "人行道路面塌陷", "建设路人行道出现约1平方米塌陷坑，已有行人绊倒。",
         "建设路 66 号门前人行道", Channel.HOTLINE, "qu01", 20 * H + 30 * M, community=XIONGGUAN,
         citizen=("李先生", "13919370011"),
         steps=(
             s(10 * M, "accept", "qu01"),
             s(10 * M, "dispatch", "qu01", "住建部门立即设置围挡并修复。", departments=["zj"]),
             s(40 * M, "sign", "zhujian01"),
         )),
    Spec("manhole", "0205", "井盖缺失", "长城路人行道雨水井盖丢失，夜间极易发生危险。",
         "长城路 21 号门前", Channel.PATROL, "wangge17", 100 * M, grid=CC1,
         steps=(
             s(5 * M, "accept", "jiedao02"),
             s(5 * M, "dispatch", "jiedao02", "请水务尽快补装，先设置警示。", departments=["sw"]),
             s(5 * M, "sign", "shuiwu01"),
         )),
    Spec("fire-lane-2", "0206", "商铺货物堵塞消防通道", "商铺长期在消防通道堆放货物，多次劝说无效。",
         "雄关二网格商业街后巷", Channel.PATROL, "wangge02", 30 * H, grid=XG2,
         steps=(
             s(10 * M, "accept", "jiedao01"),
             s(10 * M, "dispatch", "jiedao01", departments=["xf"]),
             s(20 * M, "sign", "xiaofang01"),
         )),
    Spec("ladder", "0102", "楼道堆放废旧电动车", "8号楼楼道停放并充电的废旧电动车，存在火灾隐患。",
         "关城一网格 8 号楼 2 单元", Channel.PATROL, "wangge07", 12 * D, grid=GC1, climb=True),
    Spec("wages", "0303", "工地拖欠农民工工资", "十余名农民工反映工地拖欠三个月工资。",
         "明珠社区在建安置房工地", Channel.WALK_IN, "qu01", D, community="620201001003",
         citizen=("张师傅", "13919370012"), photo=False,
         steps=(s(30 * M, "accept", "qu01"),)),
    Spec("stray-dogs", "0105", "流浪犬聚集", "果园社区小广场附近有多只流浪犬聚集，孩子不敢去玩。",
         "果园社区小广场", Channel.CITIZEN_WEB, None, 5 * H, community=GUOYUAN,
         citizen=("果园居民", "13919370013")),
    Spec("neighbours", "0106", "邻里停车纠纷", "两户居民因车位问题发生争吵，网格员劝解后仍有冲突。",
         "雄关一网格 1 号楼前停车位", Channel.PATROL, "wangge01", D, grid=XG1, photo=False,
         steps=(
             s(2 * H, "escalate", "wangge01", "双方情绪激烈，网格调解未果，申请社区介入。", reason="manual"),
             s(90 * M, "dispatch", "shequ01", "请司法所协助调解。", departments=["sfs"]),
         )),
    Spec("rework", "0103", "人行道积水结冰", "人行道低洼处积水，早晚结冰易滑倒。",
         "雄关二网格 10 号楼门前", Channel.PATROL, "wangge02", 6 * H, grid=XG2,
         steps=(
             s(10 * M, "accept", "shequ01"),
             s(10 * M, "dispatch", "shequ01", to_grid=True),
             s(20 * M, "sign", "wanggezhang02"),
             s(2 * H, "resolve", "wanggezhang02", "已铲除冰面并撒融雪剂。", photo=True),
             s(H, "verify_failed", "shequ01", "积水点未处理，仍会结冰，需疏通排水。"),
         )),
    Spec("lake-fumes", "0204", "小吃街油烟扰民", "湖滨小吃街多家店铺油烟扰民。",
         "湖滨路小吃街", Channel.HOTLINE, "jiedao11", 2 * D, grid=HB1,
         citizen=("湖滨居民", "13919370014"), photo=False,
         steps=(
             s(30 * M, "accept", "jiedao11"),
             s(10 * M, "dispatch", "jiedao11", departments=["scjg", "sthj"]),
             s(H, "sign", "huanbao01"),
         )),
    Spec("elevator", "0207", "小区电梯长期停运", "小区电梯停运两周，物业称在等配件。",
         "雄关一网格 11 号楼", Channel.MESSAGE_BOARD, "jiedao01", 6 * D, grid=XG1,
         citizen=("11号楼住户", "13919370015"), photo=False,
         steps=(
             s(H, "accept", "jiedao01"),
             s(10 * M, "dispatch", "jiedao01", departments=["zj"]),
             s(2 * H, "sign", "zhujian01"),
             s(D, "extension_request", "zhujian01", "配件需厂家定制，申请延期。",
               requested_due_at=lambda c: c.due_at + 10 * D),
         )),
]
# fmt: on


#: The demo's first case: if it exists, the demo cases are there.
MARKER = SPECS[0]


# --- photos ------------------------------------------------------------------------------------------------


def demo_photo(seed: int, name: str) -> SimpleUploadedFile:
    """A small JPEG that looks like a photo at thumbnail size: sky, ground, a building block, a marker."""
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    w, h = 480, 360
    img = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(img)
    sky = (rnd.randint(140, 200), rnd.randint(180, 220), 235)
    for y in range(h // 2):
        k = y / (h / 2)
        draw.line([(0, y), (w, y)], fill=tuple(int(c * (1 - 0.25 * k)) for c in sky))
    ground = (rnd.randint(90, 140), rnd.randint(90, 130), rnd.randint(70, 100))
    draw.rectangle([0, h // 2, w, h], fill=ground)
    for _building in range(rnd.randint(2, 4)):
        x0 = rnd.randint(0, w - 120)
        bw, bh = rnd.randint(80, 160), rnd.randint(90, 170)
        shade = rnd.randint(150, 220)
        draw.rectangle([x0, h // 2 - bh, x0 + bw, h // 2 + 10], fill=(shade, shade - 10, shade - 25))
        for wy in range(h // 2 - bh + 12, h // 2, 26):
            for wx in range(x0 + 10, x0 + bw - 14, 24):
                draw.rectangle([wx, wy, wx + 12, wy + 14], fill=(90, 110, 140))
    cx, cy = rnd.randint(120, w - 120), rnd.randint(h // 2 + 40, h - 50)
    draw.ellipse([cx - 45, cy - 28, cx + 45, cy + 28], fill=(rnd.randint(60, 200), 70, 60), outline=(30, 30, 30))
    draw.rectangle([8, h - 28, 150, h - 8], fill=(0, 0, 0))
    draw.text((14, h - 25), f"DEMO {seed:03d}", fill=(255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


# --- building ------------------------------------------------------------------------------------------------


class _Lookup:
    def __init__(self) -> None:
        self.users = {u.username: u for u in User.objects.all()}
        self.grids = {g.code: g for g in Grid.objects.select_related("community")}
        self.categories = {c.code: c for c in Category.objects.all()}
        self.departments = {d.code: d.id for d in Department.objects.all()}
        self.regions = {r.code: r for r in Region.objects.all()}
        #: demo case key → its number, filled as the cases are filed (a merge names its target by key).
        self.numbers: dict[str, str] = {}

    def user(self, username: str | None) -> User | None:
        return self.users[username] if username else None


def _point(grid: Grid | None, rnd: random.Random) -> tuple[float | None, float | None]:
    if grid is None:
        return None, None
    min_lat, max_lat, min_lng, max_lng = grid.min_lat, grid.max_lat, grid.min_lng, grid.max_lng
    if min_lat is None or max_lat is None or min_lng is None or max_lng is None:
        return None, None
    lat = min_lat + (max_lat - min_lat) * rnd.uniform(0.25, 0.75)
    lng = min_lng + (max_lng - min_lng) * rnd.uniform(0.25, 0.75)
    return round(lat, 6), round(lng, 6)


def _step(case: Case, step: Step, at: datetime, lookup: _Lookup, photo_seed: int) -> Case:
    data = {k: (v(case) if callable(v) else v) for k, v in step.data.items()}
    if "departments" in data:
        data["departments"] = [lookup.departments[code] for code in data["departments"]]
    if "into" in data:
        data["into"] = lookup.numbers[data["into"]]
    files = [demo_photo(photo_seed, f"{step.action}.jpg")] if step.photo else []
    if step.actor == "citizen":
        return case_rate_by_citizen(token=case.follow_up_token, result=data["result"], comment=step.note, now=at)
    if step.actor == "system":
        return case_transition(
            case_id=case.pk, action=step.action, actor=None, system=True, note=step.note, now=at, **data
        )
    return case_transition(
        case_id=case.pk, action=step.action, actor=lookup.user(step.actor), note=step.note, files=files, now=at, **data
    )


def _climb(case: Case, now: datetime) -> Case:
    """What the sweep would have done to a case nobody touched: escalate at each passed due time."""
    top = settings.TOP_LEVEL if settings.TOP_LEVEL in (Level.DISTRICT, Level.CITY) else Level.DISTRICT
    while case.status in CLOCK_STATUSES and case.due_at and case.due_at + M < now and case.level != top:
        if next_level_for(level=case.level, has_community=bool(case.community_id)) is None:
            break
        case = case_transition(
            case_id=case.pk,
            action="escalate",
            actor=None,
            system=True,
            now=case.due_at + M,
            note="超过本级办理时限，系统自动上报",
            reason="overdue",
        )
    return case


def _file(spec: Spec, n: int, now: datetime, lookup: _Lookup, rnd: random.Random) -> Case:
    grid = lookup.grids[spec.grid] if spec.grid else None
    lat, lng = _point(grid, rnd)
    filed = now - spec.ago
    case = case_file(
        actor=lookup.user(spec.reporter),
        category=lookup.categories[spec.code],
        title=spec.title,
        description=spec.description,
        address=spec.address,
        channel=spec.channel,
        lat=lat,
        lng=lng,
        grid=grid,
        community=lookup.regions[spec.community] if spec.community else None,
        citizen_name=spec.citizen[0],
        citizen_phone=spec.citizen[1],
        files=[demo_photo(n * 10, "现场.jpg")] if spec.photo else [],
        now=filed,
    )
    at = filed
    for i, step in enumerate(spec.steps):
        at = at + step.after
        if at >= now:
            raise ValueError(f"demo case {spec.key}: step {step.action} would be in the future")
        try:
            case = _step(case, step, at, lookup, n * 10 + i + 1)
        except DomainError as exc:
            raise ValueError(f"demo case {spec.key}: step {step.action} refused: {exc.message}") from exc
    if spec.climb:
        case = _climb(case, now)
    return case


def build(now: datetime | None = None) -> list[Case]:
    """File the demo cases (once). Returns the cases made, empty when they were already there."""
    if Case.objects.filter(title=MARKER.title, description=MARKER.description).exists():
        return []
    now = now or timezone.now()
    rnd = random.Random(2026)
    lookup = _Lookup()
    made = []
    with transaction.atomic():
        # Filed oldest first, so that numbers grow with the reporting time as they would in real life.
        for n, spec in enumerate(sorted(SPECS, key=lambda sp: sp.ago, reverse=True), start=1):
            case = _file(spec, n, now, lookup, rnd)
            lookup.numbers[spec.key] = case.number
            made.append(case)
    return made
