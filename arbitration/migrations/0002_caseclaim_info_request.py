"""An approved incumbent asked for information in a case: when it was asked, by whom, when the
answer is due and when it came (``CaseClaim.info_*``). Its claim stays approved, so the request
cannot live in the claim's status and deadline as a challenger's does."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("arbitration", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="caseclaim",
            name="info_requested_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="information requested"),
        ),
        migrations.AddField(
            model_name="caseclaim",
            name="info_requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="information requested by",
            ),
        ),
        migrations.AddField(
            model_name="caseclaim",
            name="info_due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="answer due"),
        ),
        migrations.AddField(
            model_name="caseclaim",
            name="info_answered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="answered"),
        ),
    ]
