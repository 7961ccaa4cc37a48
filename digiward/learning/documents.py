"""The printed certificate: A4 landscape, the Decree 30 header, a QR to the verification page."""

from __future__ import annotations

from digiward.core.documents import date_words, place_name, qr_data_uri, render_pdf
from digiward.learning.credentials import verification_url
from digiward.learning.models import Certificate


def certificate_url(certificate: Certificate) -> str:
    """The verification page named in the signed credential (so paper and JSON agree)."""
    for evidence in certificate.credential.get("evidence", []):
        if isinstance(evidence, dict) and evidence.get("id"):
            return str(evidence["id"])
    issuer = certificate.credential.get("issuer", {})
    return verification_url(str(issuer.get("url", "")), certificate.code)


def certificate_pdf(certificate: Certificate) -> bytes:
    url = certificate_url(certificate)
    commune = certificate.commune.name
    return render_pdf(
        "learning/pdf/certificate.html",
        {
            "certificate": certificate,
            "competences": list(certificate.competences.all()),
            "commune_upper": commune.upper(),
            "place_date": f"{place_name(commune)}, {date_words(certificate.issued_on)}",
            "qr": qr_data_uri(url),
            "url": url,
        },
    )
