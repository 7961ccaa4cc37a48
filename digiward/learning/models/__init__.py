from digiward.learning.models.certificates import (
    Certificate,
    CertificateStatus,
    SigningKey,
)
from digiward.learning.models.classes import LearningClass, Participant
from digiward.learning.models.evidence import PRACTICE_KINDS, Evidence, EvidenceKind
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
from digiward.learning.models.lessons import Lesson
from digiward.learning.models.quizzes import (
    Attempt,
    AttemptMode,
    CheckPhase,
    Choice,
    Question,
    QuestionKind,
    Quiz,
    QuizQuestion,
)

__all__ = [
    "PRACTICE_KINDS",
    "REVERSE_RELATION",
    "Attempt",
    "AttemptMode",
    "Certificate",
    "CertificateStatus",
    "CheckPhase",
    "Choice",
    "Competence",
    "CompetenceMatch",
    "Evidence",
    "EvidenceKind",
    "Framework",
    "FrameworkArea",
    "LearningClass",
    "Lesson",
    "MatchRelation",
    "Participant",
    "ProficiencyLevel",
    "Question",
    "QuestionKind",
    "Quiz",
    "QuizQuestion",
    "SigningKey",
    "Track",
]
