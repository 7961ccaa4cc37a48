"""Requests made before deadlines existed: received on the day they were created.

Their deadline (due_on) stays empty until someone edits them: the SLA of a past
request is not invented after the fact.
"""

from django.db import migrations
from django.utils import timezone


def received_on_from_created_at(apps, schema_editor):
    db = schema_editor.connection.alias  # a restore migrates a scratch database too
    HomeSupportRequest = apps.get_model("homecare", "HomeSupportRequest")
    for request in HomeSupportRequest.objects.using(db).only("pk", "created_at").iterator():
        HomeSupportRequest.objects.using(db).filter(pk=request.pk).update(
            received_on=timezone.localdate(request.created_at)
        )


class Migration(migrations.Migration):
    dependencies = [("homecare", "0002_visits_plans_and_records")]

    operations = [migrations.RunPython(received_on_from_created_at, migrations.RunPython.noop)]
