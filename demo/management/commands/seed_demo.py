"""``manage.py seed_demo``: demo partners, customers, catalog, users and claims (see ``demo``)."""

import json
import os

from django.core.management.base import BaseCommand, CommandError

from claims.cache import claims_changed
from demo.bulk import seed_bulk_claims
from demo.cases import demo_cases
from demo.reference import DEFAULT_PASSWORD
from demo.seed import seed_demo
from partners.models import Partner


class Command(BaseCommand):
    help = (
        "Create the demo data: partners Contoso, Fabrikam and Litware, customer tenants, the catalog, "
        "subscriptions, users (password from DEMO_PASSWORD, default 'cpor-demo') and claims in every status. "
        "Safe to run again: it adds only what is missing, and sets the demo users' passwords again. "
        "With --cases it only prints the validation cases and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            action="store_true",
            help="Print the validation cases: one submission per rule for contoso.admin to replay, "
            "with its expected error code or 'ok'. Only prints: seeds nothing, changes no password.",
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
            "locked while they load (about a minute for 1,000,000). Not with --cases.",
        )

    def handle(self, *args, cases=False, as_json=False, claims=0, **options):
        if as_json and not cases:
            raise CommandError("--json goes with --cases.")
        if claims < 0:
            raise CommandError("--claims must be zero or more.")
        if cases and claims:
            raise CommandError("--cases only prints the cases and changes nothing; run --claims on its own.")
        if cases:
            self.print_cases(as_json=as_json)
        else:
            self.seed(claims=claims, quiet=options["verbosity"] == 0)

    def print_cases(self, *, as_json: bool) -> None:
        """The cases come from the reference specs alone: no database access at all."""
        rows = demo_cases()
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write(
                f"{row['case']:<29} → {row['expected']:<29} {row['solution_area']}/{row['activity']} "
                f"{row['product']}  tenant {row['tenant_id']}  domain {row['domain']}  "
                f"subscription {row['subscription_id'] or '-'}\n{'':<32}{row['note']}"
            )

    def seed(self, *, claims: int, quiet: bool) -> None:
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD

        def log(message):
            if not quiet:
                self.stdout.write(message)

        seed_demo(password=password, log=log)
        if claims:
            result = seed_bulk_claims(claims)
            log(f"Added {result.claims:,} claims in {result.seconds:.1f} s ({result.rate:,.0f} claims/s).")
        # Bulk and back-dated rows bypass the services: drop every partner's cached status strip
        # and start a new queue-cache generation.
        claims_changed(partner_ids=Partner.objects.values_list("pk", flat=True))
