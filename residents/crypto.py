"""Encryption at rest of ID numbers and phones, and the keyed hash that finds them by exact value.

- ``encrypt``/``decrypt``: Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) through a
  MultiFernet, so keys can be rotated: ``RESIDENTS_DATA_KEYS`` lists Fernet keys, the first one
  encrypts, all of them decrypt.
- ``blind_index``: HMAC-SHA256 of the normalised value under ``RESIDENTS_HMAC_KEY`` — equal values
  give equal hashes, so "find the person with this ID number" is one indexed equality, but the
  hash reveals nothing without the key (a plain hash of an 18-digit number with a known structure
  could be brute-forced; a keyed one cannot).
- Without the settings (``make run``, tests) both keys are derived from ``SECRET_KEY``; production
  should set them (see .env.example): changing the secret key would otherwise make stored values
  unreadable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derived(label: str) -> bytes:
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("RESIDENTS_DATA_KEYS / RESIDENTS_HMAC_KEY or DJANGO_SECRET_KEY must be set")
    return hashlib.sha256(f"gridcase-residents:{label}:{settings.SECRET_KEY}".encode()).digest()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derived("fernet")))])


def _cipher() -> MultiFernet:
    return _fernet(tuple(getattr(settings, "RESIDENTS_DATA_KEYS", []) or ()), settings.SECRET_KEY)


def _hmac_key() -> bytes:
    key = getattr(settings, "RESIDENTS_HMAC_KEY", "")
    return key.encode() if key else _derived("hmac")


def encrypt(value: str) -> str:
    """Ciphertext (ASCII) of ``value``; "" stays ""."""
    if not value:
        return ""
    return _cipher().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The plain value; "" stays "". A token no configured key opens raises ``InvalidToken``."""
    if not token:
        return ""
    return _cipher().decrypt(token.encode("ascii")).decode()


def blind_index(value: str) -> str:
    """Keyed hash (hex) of a normalised value for exact search; "" stays ""."""
    if not value:
        return ""
    return hmac.new(_hmac_key(), value.encode(), hashlib.sha256).hexdigest()


__all__ = ["InvalidToken", "blind_index", "decrypt", "encrypt"]
