"""Members, units and wishes for the mobilisation tests, made through the real services."""

from __future__ import annotations

import io
from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from governance.choices import Role
from governance.models import User
from mobilisation import services
from mobilisation.choices import UnitKind
from mobilisation.models import RegisteredUnit
from tests.factories.world import PASSWORD


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def member(username: str, full_name: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=Role.CITIZEN, full_name=full_name)


def unit(world, name: str = "市供电公司党委", kind: str = UnitKind.RESIDENT_UNIT) -> RegisteredUnit:
    return RegisteredUnit.objects.create(name=name, kind=kind, street=world.street)


def confirmed_member(world, username: str = "dangyuan01", full_name: str = "党员甲", *, community=None, unit_=None):
    user = member(username, full_name)
    reg = services.registration_submit(
        actor=user,
        community=community or world.community,
        basis="residence",
        member=user,
        unit=unit_,
        phone="13900001111",
    )
    services.registration_decide(
        actor=world.community_officer
        if (community or world.community) == world.community
        else world.community_b_officer,
        registration_id=reg.pk,
        confirm=True,
    )
    return user


def jpeg(name: str = "done.jpg") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def published_wish(world, *, title: str = "想要一个助行器", fulfil_days: int = 7, now=None):
    wish = services.wish_submit(
        actor=world.grid_worker,
        community=world.community,
        title=title,
        description="腿脚不便，希望有一个助行器",
        resident_name="张大爷",
        resident_phone="13812345678",
        resident_address="雄关小区3栋2单元101",
        fulfil_days=fulfil_days,
        now=now,
    )
    services.wish_review(actor=world.community_officer, wish_id=wish.pk, accept=True, now=now)
    services.wish_publish(actor=world.community_officer, wish_id=wish.pk, now=now)
    wish.refresh_from_db()
    return wish
