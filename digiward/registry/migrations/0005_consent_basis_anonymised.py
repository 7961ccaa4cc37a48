"""Consent with its purposes and withdrawal, the legal basis DigiWard relies on, and the
mark of an anonymised person.

Residents whose consent was already recorded get the legal basis "consent" with the
purpose the old checkbox stated (the digital-inclusion programme = their journey).
Others keep an empty basis (shown as "not recorded"): imports before this change did
not say where a person came from; the next import of the official list records it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def consent_becomes_a_basis(apps, schema_editor):
    db = schema_editor.connection.alias  # a restore migrates a scratch database too
    Resident = apps.get_model("registry", "Resident")
    Resident.objects.using(db).filter(consent_on__isnull=False, legal_basis="").update(
        legal_basis="consent",
        legal_basis_on=F("consent_on"),
        legal_basis_by=F("consent_by"),
        consent_purposes=["journey"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_citizen_id_mask_last_three"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="resident",
            name="anonymised_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="anonymised at"
            ),
        ),
        migrations.AddField(
            model_name="resident",
            name="consent_purposes",
            field=models.JSONField(blank=True, default=list, verbose_name="consent given for"),
        ),
        migrations.AddField(
            model_name="resident",
            name="consent_withdrawn_on",
            field=models.DateField(blank=True, null=True, verbose_name="consent withdrawn on"),
        ),
        migrations.AddField(
            model_name="resident",
            name="legal_basis",
            field=models.CharField(
                blank=True,
                choices=[
                    ("consent", "The person's consent"),
                    ("official_list", "The ward's official list (a public task)"),
                    ("own_request", "A request the person made"),
                ],
                max_length=16,
                verbose_name="legal basis",
            ),
        ),
        migrations.AddField(
            model_name="resident",
            name="legal_basis_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="legal basis recorded by",
            ),
        ),
        migrations.AddField(
            model_name="resident",
            name="legal_basis_on",
            field=models.DateField(blank=True, null=True, verbose_name="legal basis recorded on"),
        ),
        migrations.RunPython(consent_becomes_a_basis, migrations.RunPython.noop),
    ]
