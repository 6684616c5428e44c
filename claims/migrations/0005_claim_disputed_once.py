"""``Claim.disputed_once``: whether the claim was ever disputed, as a fact on the claim instead of
a look into the audit log. Existing claims get it from their ``claims.claim.disputed`` events."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    disputed = AuditEvent.objects.filter(action="claims.claim.disputed", claim_id__isnull=False).values("claim_id")
    Claim.objects.filter(pk__in=disputed).update(disputed_once=True)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_partner_status_indexes"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="disputed_once",
            field=models.BooleanField(default=False, verbose_name="disputed once"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
