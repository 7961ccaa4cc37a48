"""Team members' absences move to core.Absence (keyed by user), shared with home support.

Every guidance Absence row is copied (user = member.user, commune, dates, reason); a row
equal on commune + user + dates to one already in core.Absence (an officer's leave that
home support recorded too) is merged into it, reasons joined when they differ — the same
rule as homecare 0007. Reversible: going back copies the absences of users on the team
back, without deleting them from core (homecare's own reverse, which runs after this one,
takes the officers' rows, and core 0007's reverse drops the table).
"""

import importlib

from django.db import migrations

# The merge rule of the homecare move; a migration module is frozen history, safe to import.
merge_reason = importlib.import_module(
    "digiward.homecare.migrations.0007_officer_leave_to_core_absence"
).merge_reason


def to_core(apps, schema_editor):
    db = schema_editor.connection.alias  # a restore migrates a scratch database too
    GuidanceAbsence = apps.get_model("guidance", "Absence")
    Absence = apps.get_model("core", "Absence")
    for old in GuidanceAbsence.objects.using(db).select_related("member").order_by("pk"):
        key = {
            "commune_id": old.commune_id,
            "user_id": old.member.user_id,
            "starts_on": old.start,
            "ends_on": old.end,
        }
        same = Absence.objects.using(db).filter(**key).order_by("pk").first()
        if same is None:
            Absence.objects.using(db).create(**key, reason=old.reason)
            continue
        reason = merge_reason(same.reason, old.reason)
        if reason != same.reason:
            same.reason = reason
            same.save(update_fields=["reason"])


def to_guidance(apps, schema_editor):
    db = schema_editor.connection.alias  # a restore migrates a scratch database too
    GuidanceAbsence = apps.get_model("guidance", "Absence")
    TeamMember = apps.get_model("guidance", "TeamMember")
    Absence = apps.get_model("core", "Absence")
    members = {(m.commune_id, m.user_id): m for m in TeamMember.objects.using(db).all()}
    for absence in Absence.objects.using(db).order_by("pk"):
        member = members.get((absence.commune_id, absence.user_id))
        if member is None:
            continue
        GuidanceAbsence.objects.using(db).create(
            commune_id=absence.commune_id,
            member=member,
            start=absence.starts_on,
            end=absence.ends_on,
            reason=absence.reason,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_absence"),
        # After homecare's move, so that going back undoes this one first (see above).
        ("homecare", "0007_officer_leave_to_core_absence"),
        ("guidance", "0001_team_roster_sessions"),
    ]

    operations = [
        migrations.RunPython(to_core, to_guidance),
        migrations.DeleteModel(name="Absence"),
    ]
