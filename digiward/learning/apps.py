from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Digital-skills learning (Bình dân học vụ số): frameworks, certificates."""

    name = "digiward.learning"
    label = "learning"
    verbose_name = _("Digital-skills learning")
