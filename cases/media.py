"""Serving evidence files: every request passes a scope check; nothing is served by its hash URL alone.

``GET /media/<path>`` (the URL ``Evidence.file.url`` gives) answers the file when:

1. the user is signed in and one of the evidence rows stored at ``path`` belongs to a case in their scope
   (``selectors.case_queryset_for``): staff see everything of their cases, internal notes included; or
2. the URL carries a valid ``?s=`` signature for that path (``public_evidence_url``) and one of those rows is
   citizen-visible (its event is public). Signed URLs are written only where the citizen already proved who
   they are — the ``/track/<token>/`` page and the public API behind the tracking token — and in the Open311
   documents of cases that Open311 publishes. Internal-note evidence never gets one.

Anything else is a 404 (existence does not leak). In production the check stays in Django and the bytes come
from the web server: with ``MEDIA_X_ACCEL_REDIRECT`` set (e.g. ``/protected-media/``) the answer is an empty
response with ``X-Accel-Redirect: <prefix><path>``, and nginx serves it from an ``internal`` location (README).
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from .models import Evidence
from .selectors import case_queryset_for

SALT = "cases.media.public"
#: Types a browser may show inline; everything else downloads (never rendered as a page of this origin).
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def public_media_url(name: str) -> str:
    """The citizen-visible URL (relative) of the evidence file stored at ``name``: its media URL plus a signature
    for the path. Served only while one evidence row at that path is on a public event."""
    storage = Evidence._meta.get_field("file").storage
    return f"{storage.url(name)}?s={_signer().signature(name)}"


def public_evidence_url(evidence: Evidence) -> str:
    return public_media_url(evidence.file.name)


def _signature_ok(name: str, signature: str) -> bool:
    try:
        _signer().unsign(f"{name}{_signer().sep}{signature}")
    except signing.BadSignature:
        return False
    return True


def allowed(request: HttpRequest, name: str) -> bool:
    rows = Evidence.objects.filter(file=name)
    user = request.user
    if user.is_authenticated and rows.filter(case__in=case_queryset_for(user).values("pk")).exists():
        return True
    signature = request.GET.get("s", "")
    if signature and _signature_ok(name, signature):
        return rows.filter(event__public=True).exists()
    return False


@require_safe
def serve_evidence(request: HttpRequest, path: str) -> HttpResponse:
    name = posixpath.normpath(path).lstrip("/")
    if name != path or name.startswith("..") or not name.startswith("evidence/") or not allowed(request, name):
        raise Http404
    content_type = Evidence.objects.filter(file=name).values_list("content_type", flat=True).first()
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    prefix = getattr(settings, "MEDIA_X_ACCEL_REDIRECT", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + name
    else:
        storage = Evidence._meta.get_field("file").storage
        if not storage.exists(name):
            raise Http404
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    inline = content_type in INLINE_TYPES
    response["Content-Disposition"] = content_disposition_header(not inline, posixpath.basename(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
