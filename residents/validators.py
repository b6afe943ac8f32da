"""The date rules of the residents app, one place for every channel: the page forms (the message next to the
field), the services (the API, the admin, any other caller), the API's input serializers and the sheet import.

Each rule raises Django's ``ValidationError`` with the message in the active language: a form shows it next to
its field, DRF turns it into a 400 on its field, and the services and the importer re-raise its text as their own
refusal. A date nobody can have meant (0001-01-01, 9999-12-31) was kept before, and the pages printed it
(出生年份 9999).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

#: Nobody living was born before this: a resident with an earlier birth date is a typing error.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

#: The earliest visit a grid worker can record. A fixed year, not "one year back": a place that goes live
#: transcribes its paper visit books of the past years, and a late entry must not be refused because the
#: calendar moved on. No grid worker visited before grid management began (Dongcheng, 2004), so a date before
#: 2000 is a slip of the keyboard (0001, 1025 for 2025); a date in the future is refused as before.
EARLIEST_VISIT_DATE = date(2000, 1, 1)

#: The earliest registration of a floating resident: the temporary residence permit (暂住证) began in 1985
#: (公安部《关于城镇暂住人口管理的暂行规定》); 0001-01-01 passed as long as the expiry came later.
EARLIEST_REGISTRATION_DATE = date(1985, 1, 1)

#: The messages with parameters, for ``core.stored_text`` (an import keeps them in the message ids' language).
BIRTH_TOO_EARLY = N_("出生日期不能早于%(year)s年")
VISIT_TOO_EARLY = N_("走访日期不能早于%(year)s年")
REGISTERED_TOO_EARLY = N_("登记日期不能早于%(year)s年")
TEMPLATES = [BIRTH_TOO_EARLY, VISIT_TOO_EARLY, REGISTERED_TOO_EARLY]


def validate_birth_date(value: date | None) -> None:
    """A birth date not in the future and not before ``EARLIEST_BIRTH_DATE`` (none is fine: it is optional)."""
    if value is None:
        return
    if value > timezone.localdate():
        raise ValidationError(_("出生日期不能晚于今天"), code="birth_date_future")
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(_(BIRTH_TOO_EARLY) % {"year": EARLIEST_BIRTH_DATE.year}, code="birth_date_too_early")


def validate_visit_date(value: date | None) -> None:
    """A visit date not in the future (it records a visit made) and not before ``EARLIEST_VISIT_DATE``."""
    if value is None:
        return
    if value > timezone.localdate():
        raise ValidationError(_("走访日期不能晚于今天"), code="visited_on_future")
    if value < EARLIEST_VISIT_DATE:
        raise ValidationError(_(VISIT_TOO_EARLY) % {"year": EARLIEST_VISIT_DATE.year}, code="visited_on_too_early")


def validate_permit_dates(registered_on: date | None, permit_expires_on: date | None) -> None:
    """A floating resident's registration is not in the future nor before ``EARLIEST_REGISTRATION_DATE``, and the
    permit does not expire before it was registered (either may be blank)."""
    if registered_on is not None and registered_on > timezone.localdate():
        raise ValidationError(_("登记日期不能晚于今天"), code="registered_on_future")
    if registered_on is not None and registered_on < EARLIEST_REGISTRATION_DATE:
        raise ValidationError(
            _(REGISTERED_TOO_EARLY) % {"year": EARLIEST_REGISTRATION_DATE.year}, code="registered_on_too_early"
        )
    if registered_on is not None and permit_expires_on is not None and permit_expires_on < registered_on:
        raise ValidationError(_("证件到期日期不能早于登记日期"), code="permit_expires_before_registered")
