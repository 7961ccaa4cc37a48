from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "digiward.procedures"
    label = "procedures"
    verbose_name = _("Procedures and guides")
