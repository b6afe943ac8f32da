"""Partner accounts and the category-code mapping import."""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.stored_text import kept
from governance.choices import Role
from governance.models import Category, User

from .. import texts
from ..models import CategoryMapping, Partner


@transaction.atomic
def partner_ensure_user(*, partner: Partner) -> User:
    """The account the hotline acts as: centre staff of the partner's street that can never sign in.

    Inactive (no sign-in, no notices) with an unusable password; its name says which hotline it is, so the audit
    trail reads "12345热线（…）" on every decision the hotline made.
    """
    user = partner.user
    if user is None:
        user = User(username=f"hotline-{partner.key_id}"[:150], role=Role.CENTRE_STAFF, is_active=False)
        user.set_unusable_password()
    user.full_name = (kept(texts.HOTLINE_ACCOUNT) % {"name": partner.name})[:50]
    user.region = partner.street
    user.role = Role.CENTRE_STAFF
    user.is_active = False
    user.save()
    if partner.user_id != user.id:
        Partner.objects.filter(pk=partner.pk).update(user=user)
        partner.user = user
    return user


@transaction.atomic
def mappings_import_csv(*, partner: Partner, text: str) -> dict[str, int]:
    """Import ``code,category[,name]`` rows (a header row ``code,category,name`` is optional).

    ``category`` is our 小类 code. All or nothing: any bad row raises InvalidInput naming every bad line and
    nothing is written. Existing codes are updated; returns {"created", "updated"}.
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["code", "category"]:
        rows = rows[1:]
    categories = {c.code: c for c in Category.objects.filter(parent__isnull=False, active=True)}
    errors: list[str] = []
    parsed: dict[str, tuple[Category, str]] = {}
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            errors.append(_("第%(n)d行：需要“热线编码,事项小类编码[,名称]”") % {"n": number})
            continue
        code, cat_code, name = row[0].strip(), row[1].strip(), (row[2].strip() if len(row) > 2 else "")
        if not code or len(code) > 40:
            errors.append(_("第%(n)d行：热线编码为空或过长") % {"n": number})
        elif cat_code not in categories:
            errors.append(_("第%(n)d行：事项小类“%(code)s”不存在或未启用") % {"n": number, "code": cat_code})
        elif code in parsed:
            errors.append(_("第%(n)d行：热线编码“%(code)s”重复") % {"n": number, "code": code})
        else:
            parsed[code] = (categories[cat_code], name[:100])
    if errors:
        raise InvalidInput(_("；").join(errors), code="mapping_csv")
    existing = {m.code: m for m in CategoryMapping.objects.filter(partner=partner, code__in=parsed)}
    created = updated = 0
    for code, (category, name) in parsed.items():
        mapping = existing.get(code)
        if mapping is None:
            CategoryMapping.objects.create(partner=partner, code=code, category=category, name=name)
            created += 1
        else:
            mapping.category, mapping.name = category, name or mapping.name
            mapping.save(update_fields=["category", "name"])
            updated += 1
    return {"created": created, "updated": updated}
