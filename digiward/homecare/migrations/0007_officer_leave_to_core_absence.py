"""Officers' leave moves to core.Absence (keyed by user), shared with the help-desk roster.

Every OfficerLeave row is copied (user = officer.user, commune, dates, reason, created_by,
created_at kept); a row equal on commune + user + dates to one already in core.Absence is
merged into it (reasons joined when they differ). Reversible: going back recreates the
table and copies back the absences of users who have an officer profile in that commune.
"""

from django.db import migrations

REASON_MAX = 200


def merge_reason(old: str, new: str) -> str:
    old, new = old.strip(), new.strip()
    if not new or new == old or new in old.split(" / "):
        return old
    if not old:
        return new
    return f"{old} / {new}"[:REASON_MAX]


def to_core(apps, schema_editor):
    db = schema_editor.connection.alias  # a restore migrates a scratch database too
    OfficerLeave = apps.get_model("homecare", "OfficerLeave")
    Absence = apps.get_model("core", "Absence")
    for leave in OfficerLeave.objects.using(db).select_related("officer").order_by("pk"):
        key = {
            "commune_id": leave.commune_id,
            "user_id": leave.officer.user_id,
            "starts_on": leave.starts_on,
            "ends_on": leave.ends_on,
        }
        same = Absence.objects.using(db).filter(**key).order_by("pk").first()
        if same is None:
            row = Absence.objects.using(db).create(
                **key, reason=leave.reason, created_by_id=leave.created_by_id
            )
            # auto_now_add ignores a given value on create: set it after.
            Absence.objects.using(db).filter(pk=row.pk).update(created_at=leave.created_at)
            continue
        same.reason = merge_reason(same.reason, leave.reason)
        if same.created_by_id is None:
            same.created_by_id = leave.created_by_id
        same.save(update_fields=["reason", "created_by"])


def to_homecare(apps, schema_editor):
    db = schema_editor.connection.alias  # a restore migrates a scratch database too
    OfficerLeave = apps.get_model("homecare", "OfficerLeave")
    OfficerProfile = apps.get_model("homecare", "OfficerProfile")
    Absence = apps.get_model("core", "Absence")
    profiles = {(p.commune_id, p.user_id): p for p in OfficerProfile.objects.using(db).all()}
    for absence in Absence.objects.using(db).order_by("pk"):
        profile = profiles.get((absence.commune_id, absence.user_id))
        if profile is None:
            continue
        row = OfficerLeave.objects.using(db).create(
            commune_id=absence.commune_id,
            officer=profile,
            starts_on=absence.starts_on,
            ends_on=absence.ends_on,
            reason=absence.reason,
            created_by_id=absence.created_by_id,
        )
        OfficerLeave.objects.using(db).filter(pk=row.pk).update(created_at=absence.created_at)
        absence.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_absence"),
        ("homecare", "0006_personal_data_erased"),
    ]

    operations = [
        migrations.RunPython(to_core, to_homecare),
        migrations.DeleteModel(name="OfficerLeave"),
    ]
