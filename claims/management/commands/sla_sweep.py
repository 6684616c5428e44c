"""Run the SLA sweep once (what beat runs every two minutes)."""

import json

from django.core.management.base import BaseCommand

from claims.jobs.sweep import CHUNK, run_sla_sweep


class Command(BaseCommand):
    help = "Send due SLA reminders and escalations, reject claims without a partner response, close dispute windows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size", type=int, default=CHUNK, help="claims per transaction (default %(default)s)"
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="ignore the cursors of earlier runs and look at every deadline (after deadlines were edited by hand)",
        )

    def handle(self, *args, chunk_size, full, **options):
        result = run_sla_sweep(chunk_size=chunk_size, full=full)
        self.stdout.write(json.dumps(result, sort_keys=True))
