"""``manage.py import_directory FILE``: upsert products, customer tenants (with their
domains) and subscriptions from a CSV or JSON file. The format is described in
``directory.importer``; a bad record is reported with its line number and nothing changes."""

from django.core.management.base import BaseCommand, CommandError

from directory import importer

HELP = """Import directory data (products, customer tenants and their domains, subscriptions) from a CSV or
JSON file. Each row (CSV) or object (JSON array) is one record with a "record" field: "product" (code, name,
solution_area, is_dynamics, is_active), "tenant" (tenant_id, name, domains separated by ";") or "subscription"
(subscription_id, tenant_id, channel, status, provisioned, products as ";"-separated product codes). CSV columns:
record, code, name, solution_area, is_dynamics, is_active, tenant_id, domains, subscription_id, channel, status,
provisioned, products (a record leaves the columns it does not use empty). Records are upserted by code,
tenant_id and subscription_id. Every record is checked first: each bad one is reported with its line number and
reason, and if any is bad nothing changes (exit status 1). See directory/importer.py for examples."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or JSON file to import")
        parser.add_argument(
            "--format",
            choices=["csv", "json"],
            help="the file's format (default: from the extension; .json is JSON, anything else CSV)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, but write nothing")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            rows = importer.read_file(path, options.get("format"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file")
        except importer.ImportFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was imported.")
        plan, errors = importer.validate(rows)
        if errors:
            for error in errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(
                f"{len(errors)} problem(s) in {path} ({len(rows)} records). Nothing was imported; fix the file and "
                "run the command again."
            )
        if options["dry_run"]:
            self.stdout.write(f"{path}: {len(rows)} records are valid (dry run: nothing written).")
            return
        stats = importer.apply(plan)
        parts = [
            f"{what}: {stats.created[what]} created, {stats.updated[what]} updated"
            for what in ("products", "tenants", "subscriptions")
        ]
        parts.append(f"domains: {stats.created['domains']} added")
        self.stdout.write(self.style.SUCCESS(f"Imported {len(rows)} records from {path}. " + "; ".join(parts) + "."))
