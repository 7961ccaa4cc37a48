"""The audit log becomes append-only in the database itself (see core/db/audit_guard.py)."""

from django.db import migrations

from digiward.core.db import audit_guard


def create_guard(apps, schema_editor):
    for statement in audit_guard.create_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_guard(apps, schema_editor):
    for statement in audit_guard.drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_guard, drop_guard)]
