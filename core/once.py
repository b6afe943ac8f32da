"""One submission, one record: a filing form sent twice (a double tap on a slow phone, the browser's "resend")
lands on what the first sending made instead of filing it again.

Each such form carries a random token (``SubmissionField``, new on every blank form, kept when the form comes
back with errors). The view claims the token in the cache before it creates anything (``cache.add``: atomic in
Redis, which every deployment with more than one web process uses; the embedded local-memory cache is one
process's); when it has made the record it leaves the record's address under the token for a day. A second
sending with the same token waits a moment for the first to finish and is sent to that address; a sending that
failed (errors on the form) gives the token back, so the corrected form goes through.

Without a token (an older page, the API) nothing is guarded: the API's clients have their own idempotency.
"""

from __future__ import annotations

import re
import secrets
import time
from types import TracebackType
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

#: The form field's name.
FIELD = "submission"
#: How long a sending is remembered: a day (a resend from a tab left open overnight files anew).
REMEMBERED_FOR = 24 * 3600
#: How long a second sending waits for the first to finish.
WAIT_SECONDS = 10.0
#: How long a claim is held while its sending works: past any request's time, short enough that a worker killed
#: mid-request (nothing filed, no answer) does not leave the form refused ("still being sent") for a day.
CLAIM_SECONDS = 120
_PENDING = "…"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_token() -> str:
    return secrets.token_urlsafe(18)


class SubmissionField(forms.CharField):
    """The hidden token of one filling-in of a form (a new one for each blank form)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=64, initial=new_token, **kwargs)


class Submission:
    """``with Submission(request, "cases:report") as sent:`` — ``sent.earlier`` is the address of what an earlier
    sending of the same form made ("" while it is still being made; None: this is the first). Call
    ``sent.made(url)`` once the record exists; leaving the block without it gives the token back."""

    def __init__(self, request: HttpRequest, scope: str) -> None:
        token = request.POST.get(FIELD, "")
        user = getattr(request, "user", None)
        who = user.pk if user is not None and user.is_authenticated else "-"
        self.key = f"once:{scope}:{who}:{token}" if _TOKEN.fullmatch(token) else None
        self.earlier: str | None = None
        self._made = False

    def __enter__(self) -> Submission:
        if self.key is None or cache.add(self.key, _PENDING, CLAIM_SECONDS):
            return self
        self.earlier = self._wait()
        self.key = None if self.earlier is not None else self.key
        return self

    def _wait(self) -> str | None:
        """The first sending's address; "" if it is still working after ``WAIT_SECONDS``; None if it failed and
        this sending now holds the token."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            value = cache.get(self.key)
            if value is None and cache.add(self.key, _PENDING, CLAIM_SECONDS):
                return None
            if value not in (None, _PENDING):
                return str(value)
            if time.monotonic() > deadline:
                return ""
            time.sleep(0.1)

    def made(self, url: str) -> None:
        if self.key is not None:
            cache.set(self.key, url, REMEMBERED_FOR)
            self._made = True

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.key is not None and not self._made:
            cache.delete(self.key)


def repeated(request: HttpRequest, sent: Submission) -> HttpResponse:
    """The answer to a second sending: what the first made, said as such; or, while the first still works, a 409
    that says so (nothing is filed twice either way)."""
    if sent.earlier:
        messages.info(request, _("这份表单已经提交过，下面是上次提交的结果，没有重复登记。"))
        return redirect(sent.earlier)
    return render(request, "400.html", {"message": _("这份表单正在提交，请稍后刷新查看结果。")}, status=409)
