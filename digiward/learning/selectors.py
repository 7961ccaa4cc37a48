"""Reads the learning screens share: the frameworks a commune sees, certificates, keys."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from digiward.core.access import Access
from digiward.core.models import Commune
from digiward.learning.models import Certificate, Competence, CompetenceMatch, Framework, SigningKey


def frameworks_for(commune: Commune) -> QuerySet[Framework]:
    """The shared frameworks and the commune's own copies (another commune's are hidden)."""
    return (
        Framework.objects.filter(Q(commune__isnull=True) | Q(commune=commune))
        .annotate(competence_count=Count("competences", distinct=True))
        .order_by("commune_id", "code", "version")
    )


def framework_for(access: Access, pk: int) -> Framework | None:
    return frameworks_for(access.commune).filter(pk=pk).first()


def competence_matches(competence: Competence) -> list[tuple[str, Competence]]:
    """The crosswalk read both ways: (relation as seen from `competence`, the other one)."""
    from digiward.learning.models import REVERSE_RELATION, MatchRelation

    out = [
        (m.relation, m.target)
        for m in CompetenceMatch.objects.filter(source=competence).select_related(
            "target__framework"
        )
        if m.target.framework.commune_id in (None, competence.framework.commune_id)
    ]
    back = [
        (REVERSE_RELATION[MatchRelation(m.relation)].value, m.source)
        for m in CompetenceMatch.objects.filter(target=competence).select_related(
            "source__framework"
        )
        if m.source.framework.commune_id in (None, competence.framework.commune_id)
    ]
    return sorted(out + back, key=lambda pair: pair[1].reference)


def certificates_for(access: Access) -> QuerySet[Certificate]:
    return Certificate.objects.for_access(access).select_related("framework", "issued_by")


def certificate_by_code(code: str) -> Certificate | None:
    return (
        Certificate.objects.filter(code=code)
        .select_related("framework", "commune")
        .prefetch_related("competences")
        .first()
    )


def published_keys() -> QuerySet[SigningKey]:
    return SigningKey.objects.select_related("commune").order_by("commune__code", "created_at")


def public_base_url(request: HttpRequest | None = None) -> str:
    """Where the verification pages live, for the QR code and the credential."""
    if settings.DIGIWARD_PUBLIC_BASE_URL:
        return str(settings.DIGIWARD_PUBLIC_BASE_URL).rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return "http://127.0.0.1:8000"
