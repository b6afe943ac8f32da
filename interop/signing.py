"""Request signatures of the 12345 exchange and the webhooks (docs/interop-12345.md, "Signature").

Both directions sign the same way:

1. ``timestamp`` = whole seconds since the Unix epoch (UTC), as decimal digits;
2. the string to sign is ``METHOD + "\\n" + PATH + "\\n" + timestamp + "\\n"`` followed by the raw body bytes
   (``METHOD`` upper case; ``PATH`` the request's path with its query string, if any, exactly as sent);
3. ``signature`` = lower-case hex of HMAC-SHA256(key = the secret's UTF-8 bytes, message = that string);
4. headers: ``X-GC-Key-Id`` (who signs), ``X-GC-Timestamp``, ``X-GC-Signature``.

A receiver recomputes the signature with the secret it holds for the key id, compares in constant time, and
refuses a timestamp more than ``WINDOW`` away from its own clock (replays of old requests).
"""

from __future__ import annotations

import hashlib
import hmac
import time

KEY_HEADER = "X-GC-Key-Id"
TIMESTAMP_HEADER = "X-GC-Timestamp"
SIGNATURE_HEADER = "X-GC-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
#: Largest distance, in seconds, between the signer's timestamp and the receiver's clock.
WINDOW = 300


def string_to_sign(method: str, path: str, timestamp: str | int, body: bytes) -> bytes:
    return f"{method.upper()}\n{path}\n{timestamp}\n".encode() + body


def sign(*, secret: str, method: str, path: str, timestamp: str | int, body: bytes) -> str:
    """Lower-case hex HMAC-SHA256 of ``string_to_sign`` under ``secret``."""
    return hmac.new(secret.encode(), string_to_sign(method, path, timestamp, body), hashlib.sha256).hexdigest()


def signed_headers(*, key_id: str, secret: str, method: str, path: str, body: bytes, now: float | None = None) -> dict:
    timestamp = str(int(now if now is not None else time.time()))
    return {
        KEY_HEADER: key_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret=secret, method=method, path=path, timestamp=timestamp, body=body),
    }


def verify(
    *, secret: str, method: str, path: str, timestamp: str, signature: str, body: bytes, now: float | None = None
) -> str | None:
    """None when the signature is good and fresh; else why not (for the log line, never for the caller)."""
    # ASCII digits only, and a plausible length: ``str.isdigit`` also accepts "²" and other digits ``int`` refuses.
    if not timestamp or not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return "timestamp missing or not whole seconds"
    if abs((now if now is not None else time.time()) - int(timestamp)) > WINDOW:
        return "timestamp outside the window"
    expected = sign(secret=secret, method=method, path=path, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected, (signature or "").strip().lower()):
        return "signature mismatch"
    return None
