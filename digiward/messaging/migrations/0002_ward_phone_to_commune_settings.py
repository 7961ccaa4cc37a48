"""The commune's phone lived twice: in messaging (printed in messages) and in core's
commune settings (shown on every public page). Core's is now the only one read; this
copies a phone set only on the messaging side across. Expand-then-contract: the old
column stays (unread) so code of the previous release keeps running while this applies;
a later release drops it (decision 64)."""

from __future__ import annotations

import re

from django.db import migrations


def copy_phone(apps, schema_editor):
    alias = schema_editor.connection.alias
    CommuneMessaging = apps.get_model("messaging", "CommuneMessaging")
    CommuneSettings = apps.get_model("core", "CommuneSettings")
    for row in CommuneMessaging.objects.using(alias).exclude(ward_phone=""):
        digits = re.sub(r"\D", "", row.ward_phone)
        if not digits:
            continue
        found = CommuneSettings.objects.using(alias).filter(commune_id=row.commune_id).first()
        if found is None:
            CommuneSettings.objects.using(alias).create(commune_id=row.commune_id, phone=digits)
        elif not found.phone:
            found.phone = digits
            found.save(update_fields=["phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_commune_name_sort"),
        ("messaging", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_phone, migrations.RunPython.noop, elidable=True)]
