"""The vocabularies of the mobilisation app (the database holds them too, as check constraints)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrantKind(models.TextChoices):
    MEMBER = "member", _("在职党员")
    UNIT = "unit", _("党组织/单位")


class UnitKind(models.TextChoices):
    RESIDENT_UNIT = "resident_unit", _("驻区单位")
    TWO_NEW = "two_new", _("两新组织")
    COMMITTEE_MEMBER = "committee_member", _("大党委成员单位")


class RegistrationBasis(models.TextChoices):
    WORK = "work", _("工作地")
    RESIDENCE = "residence", _("居住地")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DECLINED = "declined", _("未通过")
    WITHDRAWN = "withdrawn", _("已退出")


#: Registrations that count towards a member's limit of two communities.
ACTIVE_REGISTRATION = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)
MAX_COMMUNITIES_PER_MEMBER = 2


class TaskType(models.TextChoices):
    CLEANUP = "cleanup", _("环境清洁")
    PATROL = "patrol", _("治安巡逻")
    ELDERLY = "elderly", _("助老服务")
    PUBLICITY = "publicity", _("政策宣讲")
    OTHER = "other", _("其他服务")
    WISH = "wish", _("微心愿")


#: Task types a community can post as service tasks (``wish`` points come from fulfilled wishes).
POSTABLE_TASK_TYPES = [t for t in TaskType if t != TaskType.WISH]
POSTABLE_TASK_CHOICES = [(t.value, t.label) for t in POSTABLE_TASK_TYPES]


class TaskStatus(models.TextChoices):
    OPEN = "open", _("报名中")
    DONE = "done", _("已记考勤")
    CANCELLED = "cancelled", _("已取消")


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("已报名")
    WITHDRAWN = "withdrawn", _("已退出")
    ATTENDED = "attended", _("已到场")
    ABSENT = "absent", _("缺席")


class PointsSource(models.TextChoices):
    TASK = "task", _("服务任务")
    WISH = "wish", _("微心愿")
    MANUAL = "manual", _("人工调整")


class WishChannel(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员代录")
    PUBLIC = "public", _("群众网上提交")


class WishStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已受理")
    DECLINED = "declined", _("不予受理")
    PUBLISHED = "published", _("待认领")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("已完成待确认")
    CONFIRMED = "confirmed", _("已确认")


class Rating(models.TextChoices):
    """民主测评 grades."""

    GOOD = "good", _("好")
    FAIR = "fair", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("差")


#: Score of each 民主测评 grade (the result is the raters' average score).
RATING_SCORE = {Rating.GOOD: 100, Rating.FAIR: 80, Rating.AVERAGE: 60, Rating.POOR: 0}


class AppraisalStatus(models.TextChoices):
    OPEN = "open", _("测评中")
    CLOSED = "closed", _("已完成")


class Colour(models.TextChoices):
    """三色研判: blue is good, yellow needs attention, red is 后进 (seed 003)."""

    BLUE = "blue", _("蓝")
    YELLOW = "yellow", _("黄")
    RED = "red", _("红")


class Indicator(models.TextChoices):
    """What a 三色研判 can weigh: all of them are figures the product already holds."""

    RESPONSE = "response_rate", _("响应率")
    COMPLETION = "completion_rate", _("办结率")
    SATISFACTION = "satisfaction_rate", _("满意率")
    ON_TIME = "on_time_rate", _("未超期率（1−超期率）")
    WISHES = "wishes_fulfilled_rate", _("微心愿完成率")
    VISITS = "visit_completion_rate", _("走访完成率")


class EventSubject(models.TextChoices):
    REGISTRATION = "registration", _("双报到")
    TASK = "task", _("服务任务")
    SIGNUP = "signup", _("报名")
    POINTS = "points", _("积分")
    WISH = "wish", _("微心愿")
    DUTY = "duty", _("责任清单")
    REPORT = "report", _("履职述职")
    APPRAISAL = "appraisal", _("民主测评")
    TRICOLOUR = "tricolour", _("三色研判")
    TOPIC = "topic", _("议题")
    MEETING = "meeting", _("议事会")
    UNIT_ACCOUNT = "unit_account", _("单位账号")


class TopicSource(models.TextChoices):
    CASE = "case", _("来自事件")
    DIARY = "diary", _("来自民情日记")
    OWN = "own", _("直接提出")


class TopicStatus(models.TextChoices):
    OPEN = "open", _("待议")
    DECIDED = "decided", _("已议决")
    PUBLISHED = "published", _("已公开")


class MeetingFormat(models.TextChoices):
    EVENING_TALK = "evening_talk", _("幸福夜话")
    SECRETARY_CHAT = "secretary_chat", _("书记唠嗑会")
    COURTYARD = "courtyard", _("院落会")
    COUNCIL = "council", _("居民议事会")


class DecisionMode(models.TextChoices):
    VOTE = "vote", _("投票表决")
    CONSENSUS = "consensus", _("协商一致")


class FollowUpKind(models.TextChoices):
    CASE = "case", _("转为事件")
    SERVICE_TASK = "service_task", _("转为服务任务")
