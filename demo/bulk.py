"""The bulk loader behind ``seed_demo --claims N``: generated claims (``demo.bulk_rows``) for
volume tests, with the audit history of every step their rows record, and once the extra
partners and customers they spread over.

PostgreSQL takes the rows by binary COPY into an id block reserved from the sequence, and in a
large load into a small table rebuilds the secondary indexes and foreign keys afterwards;
other databases (SQLite) take them by ``bulk_create``. Either way the load ends with
``claims.cache.claims_changed``, since it passes by ``Claim.save``.
"""

import datetime as dt
import time
from array import array
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from random import Random

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Index, Max, UniqueConstraint
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from claims.cache import claims_changed
from claims.models import Claim
from demo.bulk_rows import (
    BIG_PARTNER_SHARES,
    CLAIM_COLUMNS,
    COMPANY_SUFFIXES,
    EXTRA_PARTNERS,
    EXTRA_TENANTS,
    TENANT_WORDS_A,
    TENANT_WORDS_B,
    Pool,
    generate_rows,
)
from demo.reference import BA, BA_PRODUCTS, M365, M365_WORKLOADS, PARTNERS, demo_uuid
from directory.models import CustomerTenant, Product, TenantDomain
from partners.models import Membership, Mpn, Partner, PartnerType, Role


def _ensure_extra_partners() -> None:
    names = [
        f"Partner {i:04d} {COMPANY_SUFFIXES[(i - 1) % len(COMPANY_SUFFIXES)]}" for i in range(1, EXTRA_PARTNERS + 1)
    ]
    Partner.objects.bulk_create([Partner(name=name) for name in names], ignore_conflicts=True)
    partners = dict(Partner.objects.filter(name__in=names).values_list("name", "pk"))
    password = make_password(None)  # these users never log in
    Mpn.objects.bulk_create(
        [
            Mpn(
                partner_id=partners[name],
                number=str(900_000_000 + i),
                location="Head office",
                incentive_enrolled=i % 5 != 0,
                partner_type=PartnerType.CSP_INDIRECT if i % 7 == 0 else PartnerType.NONE,
            )
            for i, name in enumerate(names, start=1)
        ],
        ignore_conflicts=True,
    )
    User.objects.bulk_create(
        [
            User(
                username=f"partner{i:04d}.admin",
                email=f"admin@partner{i:04d}.example",
                first_name="Admin",
                last_name=f"Partner {i:04d}",
                password=password,
            )
            for i in range(1, EXTRA_PARTNERS + 1)
        ],
        ignore_conflicts=True,
    )
    users = dict(
        User.objects.filter(username__in=[f"partner{i:04d}.admin" for i in range(1, EXTRA_PARTNERS + 1)]).values_list(
            "username", "pk"
        )
    )
    Membership.objects.bulk_create(
        [
            Membership(user_id=users[f"partner{i:04d}.admin"], partner_id=partners[name], role=Role.INCENTIVES_ADMIN)
            for i, name in enumerate(names, start=1)
        ],
        ignore_conflicts=True,
    )


def _ensure_extra_tenants() -> None:
    tenants = []
    for i in range(EXTRA_TENANTS):
        a = TENANT_WORDS_A[i % len(TENANT_WORDS_A)]
        b = TENANT_WORDS_B[(i // len(TENANT_WORDS_A)) % len(TENANT_WORDS_B)]
        tenants.append(CustomerTenant(tenant_id=demo_uuid("bulk-tenant", str(i)), name=f"{a} {b}"))
    CustomerTenant.objects.bulk_create(tenants, ignore_conflicts=True)
    pks = dict(
        CustomerTenant.objects.filter(tenant_id__in=[t.tenant_id for t in tenants]).values_list("tenant_id", "pk")
    )
    TenantDomain.objects.bulk_create(
        [
            TenantDomain(
                tenant_id=pks[t.tenant_id],
                domain=f"{t.name.replace(' ', '').lower()}{i:04d}.onmicrosoft.com",
                is_initial=True,
            )
            for i, t in enumerate(tenants)
        ],
        ignore_conflicts=True,
    )


def load_pool() -> Pool:
    big = {name: key for key, (name, _, _) in PARTNERS.items()}
    writers = {
        m.partner_id: m.user
        for m in Membership.objects.select_related("user").filter(role__in=["incentives_admin", "global_admin"])
    }
    mpns: dict[int, list[int]] = {}
    for pk, partner_id in Mpn.objects.filter(is_active=True).values_list("pk", "partner_id"):
        mpns.setdefault(partner_id, []).append(pk)
    partners, weights, rest = [], [], []
    for partner in Partner.objects.filter(pk__in=writers.keys()).order_by("pk"):
        if partner.pk not in mpns:
            continue
        user = writers[partner.pk]
        entry = (partner.pk, mpns[partner.pk], user.pk, user.get_full_name() or user.username, user.email)
        if partner.name in big:
            partners.append(entry)
            weights.append(BIG_PARTNER_SHARES[big[partner.name]])
        else:
            rest.append(entry)
    # The long tail: a few busy partners and many small ones (Zipf-like).
    tail = [1 / (rank**0.8) for rank in range(1, len(rest) + 1)]
    share = 1 - sum(weights)
    partners += rest
    weights += [share * w / sum(tail) for w in tail]
    domains = {}
    for tenant_id, domain in TenantDomain.objects.filter(is_initial=True).values_list("tenant_id", "domain"):
        domains[tenant_id] = domain
    tenants = [
        (pk, str(tid), domains[pk], name)
        for pk, tid, name in CustomerTenant.objects.values_list("pk", "tenant_id", "name")
        if pk in domains
    ]
    products = {BA.value: [], M365.value: []}
    for pk, code, name in Product.objects.filter(code__in=BA_PRODUCTS + M365_WORKLOADS).values_list(
        "pk", "code", "name"
    ):
        products[BA.value if code in BA_PRODUCTS else M365.value].append((pk, code, name))
    reviewers = list(User.objects.filter(username__in=["reviewer1", "reviewer2", "lead"]).values_list("pk", flat=True))
    return Pool(partners, weights, tenants, products, reviewers)


def _bulk_history(*, after_id: int) -> None:
    """The audit events of the generated claims (ids above ``after_id``), set-based: submitted,
    review started, the decision (by the claim's reviewer), ended and withdrawn, each at the
    time the claim's row records. The dashboard's decision charts and every claim's history
    then read as they would after real use. A claim waiting on the partner or disputed keeps
    only the steps its row has times for."""
    empty = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    claim, audit = Claim._meta.db_table, AuditEvent._meta.db_table
    steps = [
        ("'claims.claim.submitted'", "created_by_id", "'editing'", "'submitted'", "''", "submitted_at",
         "submitted_at IS NOT NULL"),
        ("'claims.claim.review_started'", "assignee_id", "'submitted'", "'under_review'", "''", "review_started_at",
         "review_started_at IS NOT NULL"),
        ("CASE WHEN status IN ('rejected', 'disputed') THEN 'claims.claim.rejected' ELSE 'claims.claim.approved' END",
         "assignee_id", "'under_review'",
         "CASE WHEN status IN ('rejected', 'disputed') THEN 'rejected' ELSE 'approved' END",
         "decision_reason", "decided_at", "decided_at IS NOT NULL"),
        ("'claims.claim.ended'", "NULL", "'approved'", "'ended'", "end_reason", "ended_at", "ended_at IS NOT NULL"),
        ("'claims.claim.withdrawn'", "created_by_id",
         "CASE WHEN submitted_at IS NULL THEN 'editing' ELSE 'submitted' END", "'withdrawn'", "''", "updated_at",
         "status = 'withdrawn'"),
    ]  # fmt: skip
    selects = " UNION ALL ".join(
        f"SELECT {action}, {actor}, id, {source}, {target}, {reason}, {empty}, {moment} "  # noqa: S608 (constants)
        f"FROM {claim} WHERE id > %s AND {condition}"
        for action, actor, source, target, reason, moment, condition in steps
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {audit} (action, actor_id, claim_id, from_status, to_status, reason_code, data, created_at) "
            f"{selects}",  # noqa: S608 (table names are ours, the bound is a parameter)
            [after_id] * len(steps),
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {audit}")


@dataclass
class BulkResult:
    claims: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.claims / self.seconds if self.seconds else 0.0


# A load at least this large, into a table no larger than the load, is faster with the
# table's secondary indexes and foreign keys rebuilt afterwards than maintained row by row.
REBUILD_AT = 50_000


@contextmanager
def _indexes_rebuilt_after(cursor, models):
    """Drop the secondary indexes and foreign keys of ``models`` and create them again on the
    way out: PostgreSQL's advice for bulk loads ("Populating a Database"). One sort per index
    and one join per foreign key replace millions of single inserts and checks. All in the
    caller's transaction: indexes and constraints are back, every row checked against them,
    before anyone else sees the rows, and a failure rolls everything back. Meanwhile writers
    to the referenced tables (partners, users, directory) wait too.

    The indexes and unique constraints the models declare go through the schema editor, so
    they come back with exactly the SQL their migrations used; the rest (the foreign keys and
    their column indexes) are plain enough to restore from the catalog's own definitions."""
    qn = connection.ops.quote_name
    # Deferred checks still pending (rows this transaction added) would block the ALTERs.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    declared, catalog = [], []
    for model in models:
        table = model._meta.db_table
        items = [*model._meta.indexes, *(c for c in model._meta.constraints if isinstance(c, UniqueConstraint))]
        declared.append((model, items))
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        foreign_keys = cursor.fetchall()
        # Indexes backing a constraint (primary key, unique together) stay.
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) "
            "AND NOT c.relname = ANY(%s)",
            [table, [item.name for item in items]],
        )
        catalog.append((table, foreign_keys, cursor.fetchall()))
    with connection.schema_editor(atomic=False) as editor:
        for model, items in declared:
            for item in items:
                (editor.remove_index if isinstance(item, Index) else editor.remove_constraint)(model, item)
    for table, foreign_keys, indexes in catalog:
        for name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    with connection.schema_editor(atomic=False) as editor:
        for model, items in declared:
            for item in items:
                (editor.add_index if isinstance(item, Index) else editor.add_constraint)(model, item)
    for table, foreign_keys, indexes in catalog:
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")


@contextmanager
def _binary_copy(cursor, table: str, columns):
    """COPY in binary: several times cheaper than text for both sides, but each column's type
    has to be named up front."""
    cursor.execute("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0", [table])
    types = dict(cursor.fetchall())
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([types[column] for column in columns])
        yield copy


def _copy_claims(count: int, pool: Pool, rng: Random, now: dt.datetime, rebuild: bool | None, after_id: int) -> None:
    """PostgreSQL: stream the rows with COPY, then write their history. The ids are one block
    reserved from the table's sequence, so the products rows can point at them. In a large
    load the audit table's indexes are rebuilt too: its three million new events (at
    1,000,000 claims) took 53 s with the indexes kept up row by row."""
    through = Claim.products.through._meta.db_table
    with connection.cursor() as cursor:
        if rebuild is None:
            rebuild = count >= REBUILD_AT and Claim.objects.count() <= count
        # Other writers wait while the id block is reserved (and, for a rebuild, readers too
        # until the indexes are back).
        cursor.execute(f"LOCK TABLE claims_claim IN {'ACCESS EXCLUSIVE' if rebuild else 'EXCLUSIVE'} MODE")
        cursor.execute("SELECT pg_get_serial_sequence('claims_claim', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first_id = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first_id + count - 1])
        models = [Claim, Claim.products.through, AuditEvent]
        with _indexes_rebuilt_after(cursor, models) if rebuild else nullcontext():
            claim_ids, product_ids = array("q"), array("q")
            with _binary_copy(cursor, "claims_claim", CLAIM_COLUMNS) as copy:
                for row, products in generate_rows(count, first_id, pool, rng, now):
                    copy.write_row(row)
                    for product in products:
                        claim_ids.append(row[0])
                        product_ids.append(product)
            with _binary_copy(cursor, through, ("claim_id", "product_id")) as copy:
                for pair in zip(claim_ids, product_ids, strict=True):
                    copy.write_row(pair)
            _bulk_history(after_id=after_id)
        cursor.execute("ANALYZE claims_claim")
        cursor.execute(f"ANALYZE {through}")


def _insert_claims(count: int, pool: Pool, rng: Random, now: dt.datetime, batch: int = 2000) -> None:
    """Other databases (SQLite): bulk_create in batches, ids assigned after the current maximum."""
    through = Claim.products.through
    first_id = (Claim.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    claims, links = [], []
    for row, products in generate_rows(count, first_id, pool, rng, now):
        claims.append(Claim(**dict(zip(CLAIM_COLUMNS, row, strict=True))))
        links += [through(claim_id=row[0], product_id=p) for p in products]
        if len(claims) >= batch:
            Claim.objects.bulk_create(claims, batch_size=batch)
            through.objects.bulk_create(links, batch_size=batch)
            claims, links = [], []
    Claim.objects.bulk_create(claims, batch_size=batch)
    through.objects.bulk_create(links, batch_size=batch)


def seed_bulk_claims(count: int, *, rebuild_indexes: bool | None = None) -> BulkResult:
    """Add ``count`` generated claims (and, once, the extra partners and customers they use).
    Additive: every call adds ``count`` more. Rows are written in bulk with their history (the
    audit events of each step they went through, ``_bulk_history``), without comments, and
    satisfy every constraint on ``Claim``."""
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        _ensure_extra_partners()
        _ensure_extra_tenants()
        pool = load_pool()
        before = Claim.objects.aggregate(m=Max("pk"))["m"] or 0
        rng = Random(before)
        if connection.vendor == "postgresql":
            _copy_claims(count, pool, rng, now, rebuild_indexes, after_id=before)
        else:
            _insert_claims(count, pool, rng, now)
            _bulk_history(after_id=before)
        # COPY and the history's INSERT pass by Claim.save: cached queue pages and the status
        # strips of every partner that may have got claims go.
        claims_changed(partner_ids=[partner[0] for partner in pool.partners])
    return BulkResult(claims=count, seconds=time.perf_counter() - started)
