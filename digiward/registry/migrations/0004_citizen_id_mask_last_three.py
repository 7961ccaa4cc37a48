"""Masked citizen IDs keep only their last 3 digits (was: first 3 and last 4).

The stored mask is rebuilt from the old one, whose last 3 digits are the number's;
no decryption is needed. The old form cannot be rebuilt without the key, and the
shorter mask is harmless, so going back leaves it.
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Length, Right


def shorten(apps, schema_editor):
    db = schema_editor.connection.alias  # a restore migrates a scratch database too
    Resident = apps.get_model("registry", "Resident")
    Resident.objects.using(db).annotate(n=Length("citizen_id_masked")).filter(n=12).update(
        citizen_id_masked=Concat(Value("•" * 9), Right("citizen_id_masked", 3))
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_poverty_standards_data")]
    operations = [migrations.RunPython(shorten, migrations.RunPython.noop, elidable=True)]
