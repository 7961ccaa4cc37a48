"""How a citizen ID is stored on a Resident: encrypted, hashed for search, masked."""

from __future__ import annotations

from dataclasses import dataclass

from digiward.core import crypto
from digiward.registry.citizen_ids import mask, normalize


@dataclass(frozen=True)
class StoredCitizenId:
    encrypted: str
    hash: str
    masked: str


def citizen_id_hash(number: str) -> str:
    """The keyed hash used to find a resident by citizen ID (input is normalised first)."""
    return crypto.keyed_hash(normalize(number))


def protect_citizen_id(number: str) -> StoredCitizenId:
    """`number` must already be valid (see citizen_ids.parse_citizen_id)."""
    return StoredCitizenId(
        encrypted=crypto.encrypt(number), hash=crypto.keyed_hash(number), masked=mask(number)
    )


def reveal_citizen_id(encrypted: str) -> str:
    """The full number. Callers must check Perm.VIEW_FULL_CITIZEN_ID and audit the view."""
    return crypto.decrypt(encrypted) if encrypted else ""
