"""Communes get `name_sort` (Vietnamese order, core.collation.SortTextField), filled for
the communes already loaded. A later change to `core.text.sort_text` needs a migration
like this one to recompute the stored keys."""

from typing import Any

from django.db import migrations

import digiward.core.collation
from digiward.core.text import sort_text


def fill(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias  # a restore migrates a scratch database too
    Commune = apps.get_model("core", "Commune")
    communes = list(Commune.objects.using(db).only("pk", "name"))
    for commune in communes:
        commune.name_sort = sort_text(commune.name)
    Commune.objects.using(db).bulk_update(communes, ["name_sort"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_vi_natural_collation"),
    ]

    operations = [
        migrations.AddField(
            model_name="commune",
            name="name_sort",
            field=digiward.core.collation.SortTextField(
                db_index=True, default="", editable=False, max_length=600, source="name"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
