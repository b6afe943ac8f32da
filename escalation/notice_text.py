"""Notices in the reader's language. A notice's title and body are written once, in the language of whoever
caused them (the sweep: Chinese), from a fixed set of message templates; here a stored text is matched back to
its template and rendered again through gettext, with the words inside it (levels, verdicts, reasons) translated
too. Free text typed by people (notes, case titles) stays as typed."""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_noop as N_

#: Every template a notice title or body is made from (the same msgids as where they are written).
TEMPLATES = [
    N_("【%(label)s】%(ref)s已由%(from)s上报至%(to)s，请%(to)s综治中心及时受理派遣"),
    N_("【不满意】%(ref)s群众评价为不满意"),
    N_("【延期】%(ref)s的延期申请%(verdict)s"),
    N_("【延期申请】%(ref)s申请延期，请审批"),
    N_("【待核查】%(ref)s已处置，请核查"),
    N_("【挂账】%(ref)s的挂账申请%(verdict)s"),
    N_("【挂账申请】%(ref)s申请挂账，请审批"),
    N_("【派遣】%(ref)s已派遣给您，请及时签收办理"),
    N_("【督办】%(ref)s已超过办理时限，列入督办"),
    N_("【返工】%(ref)s核查未通过，请重新处置"),
    N_("【退单】%(ref)s已退回（%(reason)s），请重新派遣"),
    N_("【退单】%(ref)s被退回（%(reason)s），请重新派遣"),
    N_("【退单】%(ref)s的退单申请被驳回，请继续办理"),
    N_("【退单申请】%(ref)s申请退单（%(reason)s），请审批"),
    N_("【重办】%(ref)s已重办，请重新处置"),
    N_("【黄灯预警】%(ref)s办理时限将至（%(due)s到期），请抓紧办理"),
    N_("%(region)s吹哨：请于%(due)s前报到（%(number)s）"),
    N_("%(dept)s已反馈，请确认（%(number)s）"),
    N_("%(region)s已确认您部门的反馈（%(number)s）"),
    N_("【报到超时督办】%(why)s（%(number)s）"),
    N_("%(dept)s未按时报到（报到时限%(due)s）"),
    N_("%(dept)s未按时反馈（反馈时限%(due)s）"),
    N_("吹哨报到超时，转区综治中心督办：%(why)s"),
]

#: Parameters that are words of the application (translated), not data (kept as written).
WORDS = {"label", "from", "to", "verdict", "reason", "why"}


def register_templates(templates: list[str], *, words: tuple[str, ...] = ()) -> None:
    """A higher app (mobilisation, mediation) that writes notices through this outbox adds its message
    templates (and the parameters that are words of the application) from its ``AppConfig.ready()``."""
    for template in templates:
        if template not in TEMPLATES:
            TEMPLATES.append(template)
    WORDS.update(words)
    _patterns.cache_clear()


@cache
def _patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for template in TEMPLATES:
        seen: set[str] = set()
        parts, pos = [], 0
        for m in re.finditer(r"%\((\w+)\)s", template):
            parts.append(re.escape(template[pos : m.start()]))
            name = m.group(1)
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
            pos = m.end()
        parts.append(re.escape(template[pos:]))
        out.append((template, re.compile("".join(parts), re.S)))
    return out


def localize(text: str) -> str:
    """``text`` in the active language when it was made from a known message; else unchanged."""
    if not text or (get_language() or "").startswith("zh"):
        return text
    whole = gettext(text)
    if whole != text:
        return whole
    for template, pattern in _patterns():
        m = pattern.fullmatch(text)
        if m is None:
            continue
        params = {k: (localize(v) if k in WORDS else v) for k, v in m.groupdict().items()}
        try:
            return gettext(template) % params
        except (KeyError, ValueError, TypeError):
            return text
    return text
