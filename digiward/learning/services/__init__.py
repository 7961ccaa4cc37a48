"""The learning app's writes: frameworks and their crosswalk, quizzes, evidence, certificates."""

from digiward.learning.services.certificates import (
    Holder,
    certificate_issue,
    certificate_revoke,
    code_normalise,
    commune_signing_key,
)
from digiward.learning.services.classes import (
    ClassDetails,
    attendance_mark,
    class_save,
    participant_add,
)
from digiward.learning.services.evidence import (
    OBSERVED_KINDS,
    PRACTICE_PLACES,
    Learner,
    evidence_from_practice,
    evidence_observe,
    evidence_record,
    learner_check,
    practice_competences,
)
from digiward.learning.services.frameworks import (
    SaveResult,
    competence_update,
    crosswalk_save,
    framework_copy,
    framework_export,
    framework_save,
)
from digiward.learning.services.quizzes import (
    Answers,
    QuizFileError,
    Submission,
    answers_from_form,
    attempt_submit,
    quiz_file_header,
    quiz_import_gift,
)

__all__ = [
    "OBSERVED_KINDS",
    "PRACTICE_PLACES",
    "Answers",
    "ClassDetails",
    "Holder",
    "Learner",
    "QuizFileError",
    "SaveResult",
    "Submission",
    "answers_from_form",
    "attempt_submit",
    "attendance_mark",
    "certificate_issue",
    "certificate_revoke",
    "class_save",
    "code_normalise",
    "commune_signing_key",
    "competence_update",
    "crosswalk_save",
    "evidence_from_practice",
    "evidence_observe",
    "evidence_record",
    "framework_copy",
    "framework_export",
    "framework_save",
    "learner_check",
    "participant_add",
    "practice_competences",
    "quiz_file_header",
    "quiz_import_gift",
]
