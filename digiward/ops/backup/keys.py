"""Fingerprints of the encryption keys a backup needs, never the keys themselves.

A backup holds citizen IDs (and the Zalo tokens) encrypted with the field keys
(`FIELD_ENCRYPTION_KEYS`, core/crypto.py) and found through an HMAC under
`SEARCH_HASH_KEY`. The keys stay out of the archive on purpose: a stolen archive
without them reveals no ID. The manifest records, for each field key, a one-way id
(a hash of the key: it cannot be turned back into the key) and how many values the
key decrypts, so a restore can say *which* key is missing before it writes anything.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable, Sequence

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

# Columns holding core.crypto ciphertext end with this (registry, homecare, messaging).
ENCRYPTED_SUFFIX = "_encrypted"
UNREADABLE = "unreadable"


def key_id(key: str) -> str:
    """A short public name for a Fernet key: sha256 of a label and the key, 16 hex digits."""
    return hashlib.sha256(b"digiward field key\x00" + key.encode()).hexdigest()[:16]


def configured_key_ids() -> list[str]:
    return [key_id(str(key)) for key in settings.FIELD_ENCRYPTION_KEYS]


def search_key_fingerprint() -> str:
    """An HMAC of a fixed text under the search key: equal only when the key is."""
    key = str(settings.SEARCH_HASH_KEY).encode()
    return hmac.new(key, b"digiward backup fingerprint", hashlib.sha256).hexdigest()[:16]


class KeyUsage:
    """Counts, per configured key id, the ciphertexts it decrypts (first key that does)."""

    def __init__(self, keys: Sequence[str] | None = None) -> None:
        keys = [str(k) for k in (settings.FIELD_ENCRYPTION_KEYS if keys is None else keys)]
        self._fernets = [(key_id(k), Fernet(k.encode())) for k in keys]
        self.counts: Counter[str] = Counter()

    def add(self, token: str) -> None:
        if not token:
            return
        raw = token.encode("ascii", "replace")
        for kid, fernet in self._fernets:
            try:
                fernet.decrypt(raw)
            except InvalidToken:
                continue
            self.counts[kid] += 1
            return
        self.counts[UNREADABLE] += 1


def undecryptable(tokens: Iterable[str]) -> int:
    """How many of these ciphertexts no configured key opens."""
    usage = KeyUsage()
    for token in tokens:
        usage.add(token)
    return usage.counts[UNREADABLE]
