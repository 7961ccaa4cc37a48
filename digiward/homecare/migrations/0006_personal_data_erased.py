"""A home-support request can have its personal fields erased (anonymisation of the
person, or the retention period of closed requests): the mark of when, and the rule
"at least one phone" no longer applies to an erased request."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("homecare", "0005_citizen_id_mask_last_three"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="homesupportrequest",
            name="homecare_request_reachable",
        ),
        migrations.AddField(
            model_name="homesupportrequest",
            name="personal_data_erased_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="personal details erased at"
            ),
        ),
        migrations.AddConstraint(
            model_name="homesupportrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("person_phone", ""), ("requester_phone", ""), _negated=True),
                    ("personal_data_erased_at__isnull", False),
                    _connector="OR",
                ),
                name="homecare_request_reachable",
                violation_error_message="Give at least one phone number to reach someone.",
            ),
        ),
    ]
