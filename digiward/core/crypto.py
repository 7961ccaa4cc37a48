"""Field-level encryption and keyed hashing for identifiers (citizen IDs).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under keys from the
environment; several keys may be configured so that old rows stay readable while
new rows use the newest key. Equality search uses an HMAC of the normalised value
under a separate key, so the database never holds a plain or guessable number.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@functools.lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(str(key).encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


@functools.lru_cache(maxsize=1)
def _hash_key() -> bytes:
    return str(settings.SEARCH_HASH_KEY).encode()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise ValueError("this value was encrypted with a key that is not configured") from None


def keyed_hash(value: str) -> str:
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()
