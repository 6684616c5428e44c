from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_review_groups")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="queue_shortcuts",
            field=models.BooleanField(
                default=True,
                help_text="Single-key shortcuts on the review queue: j and k move, x selects, / searches.",
                verbose_name="queue keyboard shortcuts",
            ),
        ),
    ]
