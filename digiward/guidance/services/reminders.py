"""Reminders the day before a shift, queued by `digiward send_shift_reminders` (cron)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from digiward.core.dates import day_text
from digiward.core.models import Commune
from digiward.core.outbox import notification_queue
from digiward.guidance.models import Attendance, RosterStatus, ShiftAssignment
from digiward.messaging.services import phone_queue
from digiward.planning.roster_wording import WEEKDAYS_VI


def shift_reminders_queue(*, today: date, commune: Commune | None = None) -> int:
    """Queue a reminder for every planned seat of tomorrow's published shifts.

    Idempotent: each (shift, member) has one dedupe key, so running this twice (cron
    run again by hand, or on two servers) queues each reminder once. Returns how many were
    queued now. By e-mail to members with an address, and by Zalo/SMS to members with a
    mobile number who agreed to it (digiward.messaging: nothing when not configured).
    """
    tomorrow = today + timedelta(days=1)
    seats = (
        ShiftAssignment.objects.filter(
            shift__date=tomorrow,
            shift__roster__status=RosterStatus.PUBLISHED,
            attendance=Attendance.PLANNED,
            member__is_active=True,
        )
        .exclude(member__user__email="", member__user__phone="")
        .select_related("shift", "member__user", "commune")
        .order_by("shift__start", "member_id")
    )
    if commune is not None:
        seats = seats.filter(commune=commune)
    queued = 0
    with translation.override("vi"):
        for seat in seats:
            shift, user = seat.shift, seat.member.user
            subject = _("Reminder: duty shift tomorrow %(date)s") % {"date": day_text(shift.date)}
            body = _(
                "Hello %(name)s,\n\nTomorrow (%(weekday)s %(date)s) you are on duty at "
                "the help desk of %(commune)s, %(slot)s shift %(start)s–%(end)s.\n"
                "If you cannot come, ask for a stand-in in DigiWard as soon as possible."
            ) % {
                "name": user.get_short_name(),
                "weekday": WEEKDAYS_VI[shift.date.weekday()],
                "date": day_text(shift.date),
                "commune": seat.commune.name,
                "slot": shift.get_kind_display().lower(),
                "start": shift.start.strftime("%H:%M"),
                "end": shift.end.strftime("%H:%M"),
            }
            slot = f"{shift.get_kind_display()} {shift.start:%H:%M}–{shift.end:%H:%M}"
            message = None
            with transaction.atomic():
                if user.email:
                    message = notification_queue(
                        channel="email",
                        recipient=user.email,
                        subject=subject,
                        body=body,
                        commune=seat.commune,
                        dedupe_key=f"guidance:reminder:{shift.pk}:{seat.member_id}",
                    )
                if user.phone:
                    by_phone = phone_queue(
                        kind="duty_reminder",
                        phone=user.phone,
                        params={
                            "name": user.get_short_name()[:30],
                            "day": day_text(shift.date),
                            "shift": slot[:30],
                        },
                        subject=subject,
                        text=_(
                            "%(commune)s: you are on duty tomorrow %(date)s, %(slot)s. "
                            "Cannot come? Ask for a stand-in in DigiWard."
                        )
                        % {
                            "commune": seat.commune.name,
                            "date": day_text(shift.date),
                            "slot": slot,
                        },
                        commune=seat.commune,
                        dedupe_key=f"guidance:reminder:{shift.pk}:{seat.member_id}:phone",
                    )
                    message = message or by_phone
            if message is not None:
                queued += 1
    return queued
