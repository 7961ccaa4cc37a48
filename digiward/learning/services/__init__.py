"""The learning app's writes: frameworks and their crosswalk, certificates."""

from digiward.learning.services.certificates import (
    Holder,
    certificate_issue,
    certificate_revoke,
    code_normalise,
    commune_signing_key,
)
from digiward.learning.services.frameworks import (
    SaveResult,
    competence_update,
    crosswalk_save,
    framework_copy,
    framework_export,
    framework_save,
)

__all__ = [
    "Holder",
    "SaveResult",
    "certificate_issue",
    "certificate_revoke",
    "code_normalise",
    "commune_signing_key",
    "competence_update",
    "crosswalk_save",
    "framework_copy",
    "framework_export",
    "framework_save",
]
