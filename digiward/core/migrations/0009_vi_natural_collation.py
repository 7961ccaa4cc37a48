"""The `vi_natural` collation on PostgreSQL (core.collation); SQLite registers its own
comparison on each connection, so there is nothing to do there."""

from typing import Any

from django.contrib.postgres.operations import CreateCollation
from django.db import migrations


class CreateCollationOnPostgres(CreateCollation):
    """Django's CreateCollation skips other databases going forwards but not backwards
    (it would run DROP COLLATION on SQLite when a test migrates back past this one)."""

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_communesettings")]

    operations = [
        # deterministic: equal only when identical, as Django's unique checks expect.
        CreateCollationOnPostgres(
            "vi_natural", provider="icu", locale="vi-u-kn", deterministic=True
        ),
    ]
