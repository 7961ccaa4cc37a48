from digiward.learning.models.certificates import (
    Certificate,
    CertificateStatus,
    SigningKey,
)
from digiward.learning.models.frameworks import (
    REVERSE_RELATION,
    Competence,
    CompetenceMatch,
    Framework,
    FrameworkArea,
    MatchRelation,
    ProficiencyLevel,
    Track,
)

__all__ = [
    "REVERSE_RELATION",
    "Certificate",
    "CertificateStatus",
    "Competence",
    "CompetenceMatch",
    "Framework",
    "FrameworkArea",
    "MatchRelation",
    "ProficiencyLevel",
    "SigningKey",
    "Track",
]
