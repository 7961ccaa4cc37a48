"""Home support (hỗ trợ thủ tục hành chính tại nhà) for people who cannot travel."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiward.core.models import CommuneOwned
from digiward.procedures.models import Procedure
from digiward.registry.models import Area, Resident

# No 0/O, 1/I/L: a code read over the phone must not be misheard.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 8


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Visit scheduled")
    VISITED = "visited", _("Visited")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    NEEDS_SECOND_VISIT = "needs_second_visit", _("Needs a second visit")


class RequestSource(models.TextChoices):
    PUBLIC_FORM = "public_form", _("Public form")
    PHONE_CALL = "phone_call", _("Phone call")
    OFFICER = "officer", _("Entered by an officer")


class TravelReason(models.TextChoices):
    ELDERLY = "elderly", _("Old age")
    ILL = "ill", _("Illness")
    DISABILITY = "disability", _("Disability")
    OTHER = "other", _("Other reason")


class RequesterRelation(models.TextChoices):
    SELF = "self", _("The person themselves")
    RELATIVE = "relative", _("A relative")
    GROUP_HEAD = "group_head", _("Head of the residential group")
    NEIGHBOUR = "neighbour", _("A neighbour")
    OTHER = "other", _("Someone else")


class HomeSupportRequest(CommuneOwned):
    """A request for an officer to come to someone's home for an administrative procedure.

    Citizens follow it with the tracking code and the last four digits of the phone.
    """

    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_tracking_code
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    source = models.CharField(_("source"), max_length=12, choices=RequestSource.choices)
    person_name = models.CharField(_("who needs help"), max_length=150)
    person_phone = models.CharField(_("their phone"), max_length=10, blank=True)
    resident = models.ForeignKey(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requester_name = models.CharField(_("who asks"), max_length=150, blank=True)
    requester_phone = models.CharField(_("phone of who asks"), max_length=10, blank=True)
    requester_relation = models.CharField(
        _("relation"),
        max_length=12,
        choices=RequesterRelation.choices,
        default=RequesterRelation.SELF,
    )
    address = models.CharField(_("address"), max_length=300)
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    procedure_other = models.CharField(_("other procedure"), max_length=200, blank=True)
    reason = models.CharField(
        _("why they cannot travel"), max_length=12, choices=TravelReason.choices
    )
    reason_detail = models.CharField(_("details"), max_length=300, blank=True)
    preferred_times = models.CharField(_("when someone is home"), max_length=300, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("home-support request")
        verbose_name_plural = _("home-support requests")
        indexes = [models.Index(fields=["commune", "status", "-created_at"], name="homecare_inbox")]
        constraints = [
            models.CheckConstraint(
                name="homecare_request_reachable",
                condition=~models.Q(person_phone="", requester_phone=""),
                violation_error_message=_("Give at least one phone number to reach someone."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.person_name}"

    @property
    def contact_phone(self) -> str:
        return self.requester_phone or self.person_phone
