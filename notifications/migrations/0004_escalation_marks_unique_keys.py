"""Escalations become per-lead digests, claimed per claim with a SweepMark.

1. Every claim already escalated (one notification per lead, key
   ``escalation:<kind>:<claim>:<deadline>:<user>``) gets its mark
   ``escalation:<kind>:<claim>:<deadline>``, so the new sweep does not escalate it again
   (``--full``, or the five minutes behind the cursor).
2. The dedupe and mark keys keep their unique constraints (same names, nothing rebuilt) but
   lose the ``varchar_pattern_ops`` twin index PostgreSQL gets for a ``unique=True``
   CharField: nothing searches the keys by prefix (the admin searches them exactly), and the
   SLA sweep inserts tens of thousands of keys per run.
"""

import uuid

from django.db import migrations, models

BATCH = 2000


def mark_escalated_claims(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    SweepMark = apps.get_model("notifications", "SweepMark")
    rows = (
        Notification.objects.using(schema_editor.connection.alias)
        .filter(kind="escalation", dedupe_key__startswith="escalation:", claim__isnull=False)
        .values_list("dedupe_key", "claim_id", "created_at")
        .order_by("id")
    )
    run = uuid.uuid4()
    marks = {}
    for key, claim_id, created_at in rows.iterator(chunk_size=BATCH):
        marks.setdefault(key.rsplit(":", 1)[0], (claim_id, created_at))
        if len(marks) >= BATCH:
            _save(SweepMark, marks, run, schema_editor.connection.alias)
    _save(SweepMark, marks, run, schema_editor.connection.alias)


def _save(SweepMark, marks, run, alias):
    SweepMark.objects.using(alias).bulk_create(
        [SweepMark(key=key, claim_id=pk, run=run, created_at=at) for key, (pk, at) in marks.items()],
        ignore_conflicts=True,
    )
    marks.clear()


LIKE_INDEXES = (("notification", "dedupe_key"), ("sweepmark", "key"))


def _like_index(apps, schema_editor, model_name, column):
    model = apps.get_model("notifications", model_name)
    table = model._meta.db_table
    return table, schema_editor._create_index_name(table, [column], suffix="_like")


def drop_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, column in LIKE_INDEXES:
        _table, name = _like_index(apps, schema_editor, model_name, column)
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, column in LIKE_INDEXES:
        table, name = _like_index(apps, schema_editor, model_name, column)
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} ({quote(column)} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_list_order_index"),
    ]

    operations = [
        migrations.RunPython(mark_escalated_claims, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            # The unique constraints stay as they are in the database; the state names them.
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="dedupe_key",
                    field=models.CharField(blank=True, max_length=200, null=True, verbose_name="dedupe key"),
                ),
                migrations.AddConstraint(
                    model_name="notification",
                    constraint=models.UniqueConstraint(
                        fields=("dedupe_key",), name="notifications_notification_dedupe_key_key"
                    ),
                ),
                migrations.AlterField(
                    model_name="sweepmark",
                    name="key",
                    field=models.CharField(max_length=200, verbose_name="key"),
                ),
                migrations.AddConstraint(
                    model_name="sweepmark",
                    constraint=models.UniqueConstraint(fields=("key",), name="notifications_sweepmark_key_key"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_like_indexes, create_like_indexes)],
        ),
    ]
