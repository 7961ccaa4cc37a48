"""Masked citizen IDs on authorization records keep only their last 3 digits (see
registry 0004); rebuilt from the old masks, no decryption needed."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Length, Right


def shorten(apps, schema_editor):
    db = schema_editor.connection.alias  # a restore migrates a scratch database too
    Record = apps.get_model("homecare", "AuthorizationConfirmation")
    for field in ("principal_id_masked", "agent_id_masked"):
        Record.objects.using(db).annotate(n=Length(field)).filter(n=12).update(
            **{field: Concat(Value("•" * 9), Right(field, 3))}
        )


class Migration(migrations.Migration):
    dependencies = [("homecare", "0004_lunch_break")]
    operations = [migrations.RunPython(shorten, migrations.RunPython.noop, elidable=True)]
