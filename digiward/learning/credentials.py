"""The Open Badges 3.0 credential of a certificate (an OpenBadgeCredential, VC 2.0).

Only what the verification page shows goes in: the holder's name, the competences and the
issuing commune — no citizen ID, birth date or address (data minimisation, Decree 13).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from digiward.learning.models import Competence, Framework

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def instant(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def verification_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/chung-nhan/{code}/"


def credential_build(
    *,
    code: str,
    base_url: str,
    issuer_did: str,
    issuer_name: str,
    holder_name: str,
    framework: Framework,
    competences: Sequence[Competence],
    track_label: str,
    issued_at: datetime,
) -> dict[str, Any]:
    page = verification_url(base_url, code)
    names = ", ".join(f"{c.code} {c.name_vi}" for c in competences)
    return {
        "@context": CONTEXT,
        "id": f"{page}credential.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Chứng nhận kỹ năng số cơ bản — {framework.name_vi}",
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": issuer_name, "url": base_url},
        "validFrom": instant(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": holder_name,
                }
            ],
            "achievement": {
                "id": f"{base_url.rstrip('/')}/chung-nhan/thanh-tuu/{framework.code}/{framework.version}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": f"Kỹ năng số cơ bản ({track_label})",
                "description": f"Đã được xác nhận đạt các năng lực: {names}.",
                "criteria": {
                    "narrative": (
                        "Xác nhận hoàn thành theo hướng dẫn đánh giá, xác nhận (Phụ lục II, "
                        "Quyết định 757/QĐ-BKHCN) trên cơ sở bài kiểm tra, lớp học hoặc "
                        "quan sát người học tự làm được."
                    )
                },
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": competence.name_vi,
                        "targetCode": competence.code,
                        "targetFramework": f"{framework.code} {framework.version}",
                        "targetType": "CFItem",
                        "targetUrl": f"urn:digiward:competence:{framework.code}:{framework.version}:{competence.code}",
                    }
                    for competence in competences
                ],
            },
        },
        "evidence": [{"id": page, "type": ["Evidence"], "name": "Trang xác minh chứng nhận"}],
    }
