"""People, places and the grid worker's day (人·地·物·情) — and the shared access log of personal-data reads."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    AccessChannel,
    AccessSubject,
    DiaryTopic,
    HouseUse,
    InflowReason,
    Light,
    Mood,
    PopulationKind,
    Relation,
    ResidenceType,
    ResidentStatus,
    Sensitivity,
    Sex,
    TagGroup,
)

APPEND_ONLY = "AccessLog is append-only"


class AccessLogQuerySet(models.QuerySet):
    """No bulk update or delete through the ORM (the database refuses them too: see migration 0002)."""

    def update(self, **kwargs):
        raise PermissionError(APPEND_ONLY)

    def delete(self):
        raise PermissionError(APPEND_ONLY)


class AccessLog(models.Model):
    """One read of personal data (a citizen's contact, a resident's record, a special-population tag …).

    Append-only: the application never changes or deletes a row, and the database refuses it too
    (a trigger on PostgreSQL and on SQLite). The one change the triggers let through is the
    database's own ``ON DELETE SET NULL`` of ``user`` when a user is deleted: ``username`` keeps
    who it was. ``case_id`` is a plain number, not a foreign key: residents sits below cases.
    ``street`` lets a street's leads read their street's log. Write through
    ``residents.services.access_log_record`` / ``access_log_record_many``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查看人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    username = models.CharField(_("查看人账号"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    subject = models.CharField(_("数据类型"), max_length=32, choices=AccessSubject.choices)
    object_id = models.CharField(_("记录编号"), max_length=64)
    case_id = models.BigIntegerField(_("案件ID"), null=True, blank=True)
    street = models.ForeignKey(
        "governance.Region",
        verbose_name=_("所属街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    channel = models.CharField(_("渠道"), max_length=12, choices=AccessChannel.choices)
    path = models.CharField(_("页面或接口"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["street", "at"], name="accesslog_street_at_idx"),
            models.Index(fields=["user", "at"], name="accesslog_user_at_idx"),
            models.Index(fields=["subject", "object_id"], name="accesslog_subject_obj_idx"),
            models.Index(fields=["case_id"], name="accesslog_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.subject}:{self.object_id} @ {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(APPEND_ONLY)


# --- Places ----------------------------------------------------------------------------------------


class Compound(models.Model):
    """A residential compound (小区) in a community; its buildings may lie in one or more grids."""

    community = models.ForeignKey(
        "governance.Region", verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="compounds"
    )
    name = models.CharField(_("小区名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["community_id", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="compound_unique_name")]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """A building (楼栋) in one grid, optionally in a compound; drawn as floors × units on its household map."""

    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="buildings"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("所属小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="buildings"
    )
    name = models.CharField(_("楼栋"), max_length=60, help_text=_("如 3号楼"))
    address = models.CharField(_("地址"), max_length=200)
    floors = models.PositiveSmallIntegerField(_("层数"), default=1)
    units = models.PositiveSmallIntegerField(_("单元数"), default=1)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["grid_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "name"], name="building_unique_name_in_grid"),
            models.CheckConstraint(
                condition=Q(floors__gte=1) & Q(units__gte=1),
                name="building_has_floors_units",
                violation_error_message=_("楼层数和单元数都至少为 1"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound.name if self.compound_id else ''}{self.name}"

    def house_address(self, unit: int, number: str) -> str:
        """A home's address when none is given: the building's address, its name (unless the address already ends
        with it: "…1号楼" and "1号楼" make "…1号楼", not "…1号楼 1号楼"), the unit and the door number."""
        address, name = self.address.strip(), self.name.strip()
        named = bool(name) and address.endswith(name)
        if named and len(address) > len(name) and name[0].isdigit() and address[-len(name) - 1].isdigit():
            named = False  # "建设路12号" does not name building "2号"
        base = address if named else " ".join(p for p in (address, name) if p)
        return f"{base}{unit}单元{number}"


class House(models.Model):
    """A home (房屋/户): in exactly one grid; in a building at (unit, floor, number), or standing alone (平房)."""

    grid = models.ForeignKey("grids.Grid", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="houses")
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT, related_name="houses"
    )
    unit = models.PositiveSmallIntegerField(_("单元"), default=1)
    floor = models.SmallIntegerField(_("楼层"), default=1)
    number = models.CharField(_("门牌号"), max_length=20, help_text=_("如 302"))
    address = models.CharField(_("地址"), max_length=200)
    use = models.CharField(_("用途"), max_length=12, choices=HouseUse.choices, default=HouseUse.OWNER)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = ["building_id", "unit", "floor", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "number"],
                condition=Q(building__isnull=False),
                name="house_unique_in_building",
            ),
            models.UniqueConstraint(
                fields=["grid", "address"], condition=Q(building__isnull=True), name="house_unique_address_in_grid"
            ),
            models.CheckConstraint(condition=Q(use__in=HouseUse.values), name="house_use_valid"),
        ]

    def __str__(self) -> str:
        return self.address


# --- People ----------------------------------------------------------------------------------------


class Resident(models.Model):
    """A person living in the area (实有人口), with the GB/T 31000 core fields.

    The 公民身份号码 and the phone are stored encrypted (``*_enc``, Fernet, key from the
    environment), with a keyed HMAC for exact search (``*_hmac``) and a masked form for lists
    (``*_masked``); see ``residents/crypto.py``. ``grid`` follows the house (set by the services).
    """

    name = models.CharField(_("姓名"), max_length=50)
    former_name = models.CharField(_("曾用名"), max_length=50, blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    id_number_enc = models.TextField(_("公民身份号码（密文）"), blank=True, editable=False)
    id_number_hmac = models.CharField(
        max_length=64, blank=True, editable=False, db_index=True, verbose_name=_("公民身份号码检索码")
    )
    id_number_masked = models.CharField(_("公民身份号码"), max_length=24, blank=True, editable=False)
    phone_enc = models.TextField(_("联系方式（密文）"), blank=True, editable=False)
    phone_hmac = models.CharField(
        max_length=64, blank=True, editable=False, db_index=True, verbose_name=_("电话检索码")
    )
    phone_masked = models.CharField(_("联系方式"), max_length=24, blank=True, editable=False)

    kind = models.CharField(
        _("人口类型"), max_length=12, choices=PopulationKind.choices, default=PopulationKind.REGISTERED
    )
    status = models.CharField(_("状态"), max_length=12, choices=ResidentStatus.choices, default=ResidentStatus.LIVING)
    hukou_place = models.CharField(_("户籍地"), max_length=100, blank=True)
    hukou_address = models.CharField(_("户籍详址"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="residents"
    )
    house = models.ForeignKey(
        House, verbose_name=_("现住房屋"), null=True, blank=True, on_delete=models.SET_NULL, related_name="residents"
    )
    household_number = models.CharField(_("户号"), max_length=30, blank=True)
    relation = models.CharField(_("与户主关系"), max_length=12, choices=Relation.choices, default=Relation.HEAD)
    hukou_matches = models.BooleanField(_("人户一致"), default=True)

    # 流动人口
    inflow_reason = models.CharField(_("流入原因"), max_length=12, choices=InflowReason.choices, blank=True)
    permit_type = models.CharField(_("办证类型"), max_length=30, blank=True, help_text=_("如 居住证"))
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)
    permit_expires_on = models.DateField(_("证件到期日期"), null=True, blank=True)
    residence_type = models.CharField(_("住所类型"), max_length=12, choices=ResidenceType.choices, blank=True)
    key_attention = models.BooleanField(_("重点关注"), default=False)
    permit_reminded_for = models.DateField(
        null=True, blank=True, editable=False, verbose_name=_("已提醒的居住证到期日")
    )

    # optional background fields
    native_place = models.CharField(_("籍贯"), max_length=50, blank=True)
    marital_status = models.CharField(_("婚姻状况"), max_length=20, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    occupation = models.CharField(_("职业"), max_length=50, blank=True)
    employer = models.CharField(_("服务处所"), max_length=100, blank=True)

    moved_away_on = models.DateField(_("迁出日期"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = _("实有人口")
        verbose_name_plural = _("实有人口")
        ordering = ["grid_id", "house_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hmac"], condition=~Q(id_number_hmac=""), name="resident_unique_id_number"
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="resident_sex_valid"),
            models.CheckConstraint(condition=Q(kind__in=PopulationKind.values), name="resident_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ResidentStatus.values), name="resident_status_valid"),
        ]
        indexes = [
            models.Index(fields=["grid", "status", "name"], name="resident_grid_list_idx"),
            models.Index(fields=["house"], name="resident_house_idx"),
            models.Index(
                fields=["permit_expires_on"], name="resident_permit_idx", condition=Q(permit_expires_on__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )


class TagCategory(models.Model):
    """A special-population category (特殊人群) as data: who may see it, how sensitive, how often to visit.

    ``audience`` lists ``Audience`` codes (grid roles on their grids, centre staff in their regions);
    ``departments`` adds the liaisons of those departments for people in their department's region.
    Admins see every category. The five core ones and 重点青少年 are ``builtin`` (not deletable).
    """

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    group = models.CharField(_("分类"), max_length=8, choices=TagGroup.choices, default=TagGroup.LOCAL)
    sensitivity = models.PositiveSmallIntegerField(
        _("敏感级别"), choices=Sensitivity.choices, default=Sensitivity.SENSITIVE
    )
    audience = models.JSONField(_("可见岗位"), default=list, blank=True)
    departments = models.ManyToManyField(
        "governance.Department", verbose_name=_("可见部门"), blank=True, related_name="tag_categories"
    )
    visit_every_days = models.PositiveSmallIntegerField(_("走访周期（天）"), default=90)
    red_after_days = models.PositiveSmallIntegerField(
        _("逾期多少天转红"), default=7, help_text=_("走访到期未走访为黄，再过这么多天为红")
    )
    colour = models.CharField(_("标记颜色"), max_length=7, default="#b45309")
    builtin = models.BooleanField(_("国标内置"), default=False, editable=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("人群标签类别")
        verbose_name_plural = _("人群标签类别")
        ordering = ["group", "-sensitivity", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visit_every_days__gte=1),
                name="tagcategory_visit_positive",
                violation_error_message=_("走访周期至少为 1 天"),
            ),
            models.CheckConstraint(condition=Q(sensitivity__in=[1, 2, 3]), name="tagcategory_sensitivity_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class ResidentTag(models.Model):
    """A person's membership of a special-population category, active until ``ended_on``."""

    resident = models.ForeignKey(Resident, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="tags")
    category = models.ForeignKey(TagCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="tags")
    since = models.DateField(_("起始日期"), default=timezone.localdate)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("添加人"),
    )

    class Meta:
        verbose_name = _("人群标签")
        verbose_name_plural = _("人群标签")
        ordering = ["resident_id", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "category"],
                condition=Q(ended_on__isnull=True),
                name="one_active_tag_per_category",
                violation_error_message=_("该居民已有这一类别的有效标签：请先为原标签填写结束日期"),
            )
        ]
        indexes = [models.Index(fields=["category", "resident"], name="tag_category_resident_idx")]

    def __str__(self) -> str:
        return f"{self.resident_id}:{self.category_id}"


class VisitPlan(models.Model):
    """Who must be visited by when: from a tag (its category's frequency) or added by hand.

    ``due_on`` is the next visit's date; the plan turns yellow on ``yellow_on`` (the day after
    it fell due) and red on ``red_on``, set-wise by ``visits_sweep`` (database deadlines, a
    partial index on active plans). A visit moves ``due_on`` on and the light back to green.
    """

    resident = models.ForeignKey(Resident, verbose_name=_("走访对象"), on_delete=models.CASCADE, related_name="plans")
    tag = models.ForeignKey(
        ResidentTag, verbose_name=_("依据标签"), null=True, blank=True, on_delete=models.CASCADE, related_name="plans"
    )
    grid = models.ForeignKey("grids.Grid", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("走访事由"), max_length=100, blank=True)
    every_days = models.PositiveSmallIntegerField(_("走访周期（天）"))
    due_on = models.DateField(_("下次走访日期"))
    yellow_on = models.DateField(editable=False, verbose_name=_("黄灯日期"))
    red_on = models.DateField(editable=False, verbose_name=_("红灯日期"))
    light = models.CharField(_("状态"), max_length=6, choices=Light.choices, default=Light.GREEN)
    active = models.BooleanField(_("有效"), default=True)
    last_visited_on = models.DateField(_("上次走访"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("走访计划")
        verbose_name_plural = _("走访计划")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tag"],
                condition=Q(active=True, tag__isnull=False),
                name="one_active_plan_per_tag",
                violation_error_message=_("该标签已有启用的走访计划"),
            ),
            models.CheckConstraint(condition=Q(light__in=Light.values), name="visitplan_light_valid"),
            models.CheckConstraint(
                condition=Q(every_days__gte=1),
                name="visitplan_every_positive",
                violation_error_message=_("走访周期至少为 1 天"),
            ),
        ]
        indexes = [
            models.Index(fields=["yellow_on"], name="visitplan_yellow_idx", condition=Q(active=True, light="green")),
            models.Index(fields=["red_on"], name="visitplan_red_idx", condition=Q(active=True) & ~Q(light="red")),
            models.Index(fields=["grid", "due_on"], name="visitplan_grid_due_idx", condition=Q(active=True)),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} @ {self.due_on}"


def visit_photo_path(instance: Visit, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"visits/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Visit(models.Model):
    """One visit (入户走访): when, who went, where, what was found, and whether something follows."""

    plan = models.ForeignKey(
        VisitPlan, verbose_name=_("走访计划"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("走访对象"), null=True, blank=True, on_delete=models.CASCADE, related_name="visits"
    )
    house = models.ForeignKey(
        House, verbose_name=_("房屋"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    grid = models.ForeignKey("grids.Grid", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("走访人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_on = models.DateField(_("走访日期"), default=timezone.localdate)
    # The plan's due date this visit answered (走访完成率: on time when visited_on <= due_on); empty for a
    # visit without a plan, or one that did not move its plan on (an older visit recorded late).
    due_on = models.DateField(_("应访日期"), null=True, blank=True, editable=False)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    found = models.TextField(_("走访情况"))
    follow_up = models.BooleanField(_("需要跟进"), default=False)
    photo = models.ImageField(_("照片"), upload_to=visit_photo_path, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["grid", "visited_on"], name="visit_grid_date_idx"),
            models.Index(fields=["grid", "due_on"], name="visit_grid_due_idx", condition=Q(due_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.place}"


class DiaryEntry(models.Model):
    """民情日记: what a grid worker heard on a visit or patrol. One tap turns it into a case.

    ``case_id`` is a plain number, not a foreign key: residents sits below cases and must not
    import it. The conversion lives in ``cases/services/diary.py`` (it calls ``case_file``) and
    records the link here through ``diary_link_case``; the case page finds its entry through
    ``residents.selectors.diary_entry_for_case``. Unique: one entry makes at most one case.
    """

    grid = models.ForeignKey("grids.Grid", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    house = models.ForeignKey(
        House, verbose_name=_("房屋"), null=True, blank=True, on_delete=models.SET_NULL, related_name="diary_entries"
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("走访记录"), null=True, blank=True, on_delete=models.SET_NULL, related_name="diary"
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    topic = models.CharField(_("主题"), max_length=12, choices=DiaryTopic.choices, default=DiaryTopic.LIVELIHOOD)
    mood = models.CharField(_("情绪"), max_length=10, choices=Mood.choices, default=Mood.NEUTRAL)
    text = models.TextField(_("内容"))
    needs_follow_up = models.BooleanField(_("需要跟进"), default=False)
    category = models.ForeignKey(
        "governance.Category",
        verbose_name=_("事项类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("转为事件时使用"),
    )
    case_id = models.BigIntegerField(_("已转事件"), null=True, blank=True, unique=True, editable=False)
    case_number = models.CharField(_("事件编号"), max_length=32, blank=True, editable=False)
    written_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("民情日记")
        verbose_name_plural = _("民情日记")
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["grid", "written_at"], name="diary_grid_written_idx")]

    def __str__(self) -> str:
        return f"{self.written_at:%Y-%m-%d} {self.get_topic_display()}"

    @property
    def address(self) -> str:
        return self.house.address if self.house_id else self.place


class ImportJob(models.Model):
    """One web import of a 网格采集 sheet, run by a Celery task; the page polls it for progress.

    The uploaded bytes are kept only until the task has read them (then emptied): a sheet of ID numbers does not
    stay in the database. ``errors`` holds every bad row ({"line", "message"}) of a refused file; nothing of such a
    file is imported. ``phase`` says whether rows are being checked or written; ``done``/``total`` count them.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入")

    class Phase(models.TextChoices):
        READING = "reading", _("读取文件")
        CHECKING = "checking", _("检查")
        WRITING = "writing", _("写入")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=12)
    file_name = models.CharField(_("文件名"), max_length=200)
    data = models.BinaryField(editable=False, default=bytes)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(_("阶段"), max_length=8, choices=Phase.choices, default=Phase.READING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="importjob_user_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        share = self.done / self.total
        # checking is the first half, writing the second
        return int(50 * share) if self.phase == self.Phase.CHECKING else int(50 + 50 * share)
