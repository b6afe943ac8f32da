"""Every demo role, every main page: nothing cut off in English at 1440 px, and 通知 with its badge at 375 px.

On the demo street (``load_demo``), each demo login signs in on a phone (375 px): the header's 通知 link and its
unread badge are on screen. Then it switches to English with the switcher at the bottom of the page and, on a
1440 px screen, visits its landing page and every page of its navigation (the administrator: the admin's index
and its busiest lists). On each page no text is clipped (an element narrower than its content with overflow
hidden or an ellipsis), spills out of its box, or pushes the page wider than the window. Screenshots of every page
go to test-artifacts/browser/ (``20-layout-<login>-…``).
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from demo.governance import demo_password
from escalation.models import Notice
from governance.models import User

from .conftest import PHONE

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}
ROLES = ["wangge01", "shequ01", "jiedao01", "qu01", "chengguan01", "paichusuo01", "dangyuan01", "admin"]
ADMIN_PAGES = ["/admin/", "/admin/governance/jurisdictionrule/", "/admin/cases/case/", "/admin/grids/grid/"]

#: Elements narrower than their content: clipped (overflow hidden / clip, or an ellipsis), or text spilling out of
#: its box (overflow visible, the element's own text — a layout box whose floated sidebar reaches past it is not
#: text), or a table that scrolls sideways at 1440 px; and the page wider than the window. A matrix that keeps its
#: name columns in view while scrolling (the assessment's indicators, ``sticky-1``/``sticky-2``) is meant to
#: scroll; form controls, drawings and visually-hidden labels are not read.
CUT_OFF = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) out.push(`page is ${doc.scrollWidth}px wide`);
  const skip = new Set(['svg', 'path', 'text', 'tspan', 'g', 'polygon', 'rect', 'line', 'circle', 'textarea',
                        'pre', 'code', 'select', 'option', 'input', 'script', 'style', 'title', 'canvas', 'img']);
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (typeof e.className === 'string' && e.className
                       ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  for (const e of document.querySelectorAll('body *')) {
    if (skip.has(e.tagName.toLowerCase()) || e.closest('svg') || e.closest('details:not([open])')) continue;
    if (!e.getClientRects().length || e.clientWidth <= 2) continue;
    if (e.scrollWidth <= e.clientWidth + 1) continue;
    const s = getComputedStyle(e);
    const text = (e.innerText || '').trim().slice(0, 40);
    if (s.overflowX === 'hidden' || s.overflowX === 'clip' || s.textOverflow === 'ellipsis') {
      out.push(`clipped ${name(e)} «${text}»`);
    } else if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && e.matches('.table-wrap')
               && !e.querySelector('.sticky-1, .sticky-2')) {
      out.push(`scrolls ${name(e)} «${text.slice(0, 20)}» ${e.scrollWidth}>${e.clientWidth}`);
    } else if (s.overflowX === 'visible' && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) {
      out.push(`spills ${name(e)} «${text}»`);
    }
  }
  return out.slice(0, 15);
}"""


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()).strip("-") or "home"


def _nav_paths(page) -> list[str]:
    hrefs = page.eval_on_selector_all(".site-nav a[href]", "links => links.map(a => a.getAttribute('href'))")
    return [h for h in dict.fromkeys(hrefs) if h.startswith("/") and not h.startswith("/admin/")]


@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_every_role_reads_every_page_uncut_in_english_and_reaches_notices_on_a_phone(sessions):
    call_command("load_demo", stdout=io.StringIO())
    for user in User.objects.filter(username__in=ROLES):
        if not Notice.objects.filter(recipient=user, read_at__isnull=True).exists():
            Notice.objects.create(recipient=user, kind="other", title="演示通知：请查看")
    password = demo_password()
    problems: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}

    for username in ROLES:
        # On a phone: 通知 and its badge are on screen, whatever the role's landing page.
        phone = sessions(f"20-layout-{username}-phone-", PHONE)
        phone.login(username, password)
        if username != "admin":
            link = phone.page.locator(".site-nav a[href='/notices/']")
            badge = link.locator(".badge--count")
            box, badge_box = link.bounding_box(), badge.bounding_box()
            assert box and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], f"{username}: 通知 off screen"
            assert badge_box and badge_box["x"] + badge_box["width"] <= PHONE["width"], f"{username}: badge off screen"
            assert badge.inner_text().strip().isdigit()
            phone.shot("notices")
            link.click()
            phone.page.wait_for_load_state("networkidle")
            assert phone.page.url.endswith("/notices/"), username
        else:
            phone.go("/notices/")
            assert phone.page.locator("#notice-badge").count() == 1 or "/notices/" in phone.page.url
        errors[f"{username} phone"] = phone.errors

        # On a wide screen, in English chosen with the switcher: every main page of the role.
        wide = sessions(f"20-layout-{username}-en-", WIDE)
        wide.login(username, password)
        landing = wide.page.url.removeprefix(wide.base_url)
        if username == "admin":
            wide.go("/notices/")
        wide.page.select_option("#lang-select", "en")
        wide.page.locator("form.lang-switch button[type=submit]").click()
        wide.page.wait_for_load_state("networkidle")
        assert wide.page.locator("html").get_attribute("lang") == "en", username
        paths = ADMIN_PAGES if username == "admin" else [landing, *_nav_paths(wide.page)]
        for path in dict.fromkeys(paths):
            page = wide.go(path)
            assert page.locator("html").get_attribute("lang") == "en", (username, path)
            wide.shot(_slug(path))
            if found := page.evaluate(CUT_OFF):
                problems[f"{username} {path}"] = found
        errors[f"{username} en"] = wide.errors

    assert problems == {}, "cut off in English at 1440 px"
    assert {k: v for k, v in errors.items() if v} == {}
