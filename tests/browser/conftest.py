"""Real-browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's ``live_server``.

- Skipped (with the reason) when /usr/bin/chromium or Playwright is missing; ``.ci/run`` installs chromium and
  fonts-noto-cjk so that screenshots show the Chinese text.
- Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM calls from it
  ("async unsafe"); the tests only touch the database between browser steps, so that check is switched off here.
- Screenshots go to ``test-artifacts/browser/`` (gitignored), one per step.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class Session:
    """One person in one browser context (own cookies), with the page errors they ran into."""

    def __init__(self, browser, base_url: str, *, viewport: dict, shots: Path, prefix: str) -> None:
        self.context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.shots = shots
        self.prefix = prefix
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def login(self, username: str, password: str) -> None:
        self.go("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("form button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def shot(self, name: str) -> Path:
        path = self.shots / f"{self.prefix}{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def sessions(browser, live_server, artifacts):
    """``sessions(prefix, viewport=PHONE)`` → a new Session; all are closed after the test."""
    opened: list[Session] = []

    def make(prefix: str, viewport: dict | None = None) -> Session:
        s = Session(browser, live_server.url, viewport=viewport or PHONE, shots=artifacts, prefix=prefix)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()
