"""Issuing and revoking certificates, with the commune's signing key."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core import crypto
from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune, User
from digiward.core.permissions import Perm
from digiward.learning import signing
from digiward.learning.credentials import credential_build, instant
from digiward.learning.models import Certificate, Competence, Framework, SigningKey, Track
from digiward.registry.models import Resident

# Crockford base32 without I, L, O, U: nothing to misread on paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


def certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_normalise(text: str) -> str:
    """What a person types from the paper: spaces, dashes and look-alike letters forgiven."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def commune_signing_key(commune: Commune) -> SigningKey:
    """The commune's current key, made on first use (one per commune, kept locked)."""
    key: SigningKey | None = SigningKey.objects.filter(
        commune=commune, retired_at__isnull=True
    ).first()
    if key is not None:
        return key
    raw = signing.new_private_key()
    private = signing.private_from_text(signing.private_to_text(raw))
    created: SigningKey = SigningKey.objects.create(
        commune=commune,
        private_key=crypto.encrypt(signing.private_to_text(raw)),
        public_key_multibase=signing.public_multibase(private),
    )
    return created


@dataclass(frozen=True)
class Holder:
    name: str
    resident: Resident | None = None
    user: User | None = None


def certificate_issue(
    *,
    access: Access,
    holder: Holder,
    framework: Framework,
    competences: Sequence[Competence],
    track: str,
    basis: str,
    base_url: str,
    issued_on: date | None = None,
) -> Certificate:
    """Confirm a person's basic digital skills: sign the credential and store it as issued."""
    access.require(Perm.ISSUE_CERTIFICATES)
    if holder.resident is None and holder.user is None:
        raise DomainError(_("Choose the person the certificate is for."), field="resident")
    if holder.resident is not None and holder.resident.commune_id != access.commune.pk:
        raise DomainError(_("This person is not in the commune's registry."), field="resident")
    if framework.commune_id not in (None, access.commune.pk):
        raise DomainError(_("This framework belongs to another commune."), field="framework")
    if not competences:
        raise DomainError(
            _("Choose at least one competence that was confirmed."), field="competences"
        )
    if any(c.framework_id != framework.pk for c in competences):
        raise DomainError(
            _("Every competence must come from the chosen framework."), field="competences"
        )
    if track not in Track.values:
        raise DomainError(_("Choose a track."), field="track")
    basis = basis.strip()
    if len(basis) < 10:
        raise DomainError(
            _("Say what the confirmation is based on (a quiz, a class, observed at the desk)."),
            field="basis",
        )
    name = " ".join(holder.name.split())[:200]
    if not name:
        raise DomainError(_("The holder's name is missing."), field="resident")
    now = timezone.now()
    ordered = sorted(competences, key=lambda c: c.position)
    with transaction.atomic():
        key = commune_signing_key(access.commune)
        private = signing.private_from_text(crypto.decrypt(key.private_key))
        for _attempt in range(5):  # a clash of 60-bit codes is all but impossible; still, retry
            code = certificate_code()
            credential = signing.sign(
                credential_build(
                    code=code,
                    base_url=base_url,
                    issuer_did=signing.did_key(key.public_key_multibase),
                    issuer_name=f"UBND {access.commune.name}",
                    holder_name=name,
                    framework=framework,
                    competences=ordered,
                    track_label=str(Track(track).label),
                    issued_at=now,
                ),
                private,
                created=instant(now),
            )
            try:
                with transaction.atomic():
                    certificate = Certificate.objects.create(
                        commune=access.commune,
                        code=code,
                        framework=framework,
                        track=track,
                        resident=holder.resident,
                        user=holder.user,
                        holder_name=name,
                        basis=basis[:2000],
                        issued_on=issued_on or timezone.localdate(),
                        issued_by=access.user,
                        signing_key=key,
                        credential=credential,
                    )
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - five clashes in a row
            raise DomainError(_("The certificate could not be made; try again."))
        certificate.competences.set(ordered)
        audit_record(
            actor=access.user,
            action=AuditAction.CREATE,
            commune=access.commune,
            obj=certificate,
            changes={"competences": [c.code for c in ordered], "framework": str(framework)},
        )
    return certificate


def certificate_revoke(*, access: Access, certificate: Certificate, reason: str) -> Certificate:
    access.require(Perm.ISSUE_CERTIFICATES)
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise DomainError(
            _("Give the reason for revoking (at least 5 characters)."), field="reason"
        )
    with transaction.atomic():
        locked: Certificate = Certificate.objects.select_for_update().get(
            pk=certificate.pk, commune=access.commune
        )
        if locked.revoked_at is not None:
            raise DomainError(_("This certificate was already revoked."))
        locked.revoked_at = timezone.now()
        locked.revoked_by = access.user
        locked.revoked_reason = reason[:300]
        locked.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        audit_record(
            actor=access.user,
            action=AuditAction.CHANGE,
            commune=access.commune,
            obj=locked,
            changes={"status": ["valid", "revoked"]},
            note=reason,
        )
    return locked
