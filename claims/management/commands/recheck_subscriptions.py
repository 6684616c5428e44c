"""Re-check subscriptions against the directory once (what beat runs daily)."""

import json

from django.core.management.base import BaseCommand

from claims.jobs.recheck import CHUNK, run_subscription_recheck


class Command(BaseCommand):
    help = (
        "End approved associations whose subscription expired or was disabled; tell partners when a draft's "
        "subscription is provisioned."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=CHUNK, help="claims per query (default %(default)s)")

    def handle(self, *args, chunk_size, **options):
        result = run_subscription_recheck(chunk_size=chunk_size)
        self.stdout.write(json.dumps(result, sort_keys=True))
