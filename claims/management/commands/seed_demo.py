"""``manage.py seed_demo``: demo partners, customers, catalog, users and claims (see claims.demo)."""

import json
import os
import sys
from contextlib import nullcontext, redirect_stdout

from django.core.management.base import BaseCommand, CommandError

from claims import demo


class Command(BaseCommand):
    help = (
        "Create the demo data: partners Contoso, Fabrikam and Litware, customer tenants, the catalog, "
        "subscriptions, users (password from DEMO_PASSWORD, default 'cpor-demo') and claims in every status. "
        "Safe to run again: it adds only what is missing, and sets the demo users' passwords again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            action="store_true",
            help="Print the validation cases: one submission per rule for contoso.admin to replay, "
            "with its expected error code or 'ok'.",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="With --cases: print the cases as a JSON list only."
        )
        parser.add_argument(
            "--claims",
            type=int,
            default=0,
            metavar="N",
            help="Also add N generated claims in bulk (and, the first time, 200 partners and 2,000 customers) "
            "for volume tests. Not idempotent: every run adds N more claims. On PostgreSQL the claims table is "
            "locked while they load (about a minute for 1,000,000).",
        )

    def handle(self, *args, cases=False, as_json=False, claims=0, **options):
        if as_json and not cases:
            raise CommandError("--json goes with --cases.")
        if claims < 0:
            raise CommandError("--claims must be zero or more.")
        password = os.environ.get("DEMO_PASSWORD") or demo.DEFAULT_PASSWORD
        # With --json stdout carries the JSON and nothing else: progress goes to stderr, and so
        # does anything written to stdout while seeding (the console e-mail backend, say).
        out = self.stderr if as_json else self.stdout
        quiet = options["verbosity"] == 0

        def log(message):
            if not quiet:
                out.write(message)

        with redirect_stdout(sys.stderr) if as_json else nullcontext():
            demo.seed_demo(password=password, log=log)
            if claims:
                result = demo.seed_bulk_claims(claims)
                log(f"Added {result.claims:,} claims in {result.seconds:.1f} s ({result.rate:,.0f} claims/s).")
            # Bulk and back-dated rows bypass the services: drop every cached status strip.
            from claims.cache import claims_changed
            from partners.models import Partner

            claims_changed(partner_ids=Partner.objects.values_list("pk", flat=True))
        if cases:
            rows = demo.demo_cases()
            if as_json:
                self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
                return
            for row in rows:
                self.stdout.write(
                    f"{row['case']:<29} → {row['expected']:<29} {row['solution_area']}/{row['activity']} "
                    f"{row['product']}  tenant {row['tenant_id']}  domain {row['domain']}  "
                    f"subscription {row['subscription_id'] or '-'}\n{'':<32}{row['note']}"
                )
