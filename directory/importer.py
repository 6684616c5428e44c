"""Importing directory data (products, customer tenants with their domains, subscriptions)
from a CSV or JSON file. Used by ``manage.py import_directory``.

The file is a list of *records*, one per row (CSV) or per object (JSON array). Each record
has a ``record`` field saying what it describes; the other fields depend on it (CSV columns
that a record does not use stay empty):

``product``
    ``code`` (slug, required), ``name`` (required), ``solution_area``
    (``business_applications`` | ``microsoft_365``, required), ``is_dynamics`` (boolean;
    default true for Business Applications, false for Microsoft 365), ``is_active``
    (boolean, default true).
``tenant``
    ``tenant_id`` (GUID, required), ``name`` (required), ``domains`` (optional; CSV:
    separated by ``;``, JSON: a list or a ``;``-separated string). Listed domains are added
    to the tenant; domains already there are kept. A ``*.onmicrosoft.com`` domain is the
    tenant's initial domain.
``subscription``
    ``subscription_id`` (GUID, required), ``tenant_id`` (GUID of a tenant in the file or
    already imported, required), ``channel`` (``volume_licensing`` | ``web_direct`` |
    ``csp``, required), ``status`` (``active`` | ``in_grace`` | ``expired`` | ``disabled``,
    required), ``provisioned`` (boolean, default true), ``products`` (product codes of
    products in the file or already imported, required; CSV: ``;``-separated, JSON: a list).
    The listed products replace the subscription's products.

Booleans are ``true``/``false``, ``yes``/``no`` or ``1``/``0`` (JSON may use true/false).
Records are upserted by their key (``code``, ``tenant_id``, ``subscription_id``).

Every record is checked before anything is written. A bad record is reported with its line
number (CSV: the file line; JSON: the line where the object starts) and the reason, and if
any record is bad nothing at all changes. Otherwise everything is written in one transaction.

CSV example (the header names the columns; their order is free)::

    record,code,name,solution_area,is_dynamics,tenant_id,domains,subscription_id,channel,status,provisioned,products
    product,d365-sales,Dynamics 365 Sales,business_applications,true,,,,,,,
    tenant,,Northwind Traders,,,c0e8a64d-ddb2-54ba-8739-c1c8dac13432,northwind.onmicrosoft.com;northwind.example,,,,,
    subscription,,,,,c0e8a64d-ddb2-54ba-8739-c1c8dac13432,,61362d0d-3e2f-5d0a-8edb-bf25db6a11b9,volume_licensing,active,true,d365-sales

JSON example::

    [
      {"record": "product", "code": "teams", "name": "Microsoft Teams", "solution_area": "microsoft_365"},
      {"record": "tenant", "tenant_id": "…", "name": "Northwind Traders", "domains": ["northwind.example"]},
      {"record": "subscription", "subscription_id": "…", "tenant_id": "…", "channel": "csp",
       "status": "active", "products": ["teams"]}
    ]
"""

import csv
import io
import json
import re
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from directory.models import (
    Channel,
    CustomerTenant,
    Product,
    SolutionArea,
    Subscription,
    SubscriptionStatus,
    TenantDomain,
)

RECORD_TYPES = ("product", "tenant", "subscription")
CSV_COLUMNS = (
    "record",
    "code",
    "name",
    "solution_area",
    "is_dynamics",
    "is_active",
    "tenant_id",
    "domains",
    "subscription_id",
    "channel",
    "status",
    "provisioned",
    "products",
)
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV/JSON, no header, not a list...)."""


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


@dataclass
class Plan:
    products: dict = field(default_factory=dict)  # code -> fields
    tenants: dict = field(default_factory=dict)  # uuid -> {"name", "domains": [..]}
    subscriptions: dict = field(default_factory=dict)  # uuid -> fields


@dataclass
class Stats:
    created: dict = field(default_factory=lambda: {"products": 0, "tenants": 0, "domains": 0, "subscriptions": 0})
    updated: dict = field(default_factory=lambda: {"products": 0, "tenants": 0, "domains": 0, "subscriptions": 0})


# --- reading -----------------------------------------------------------------------------------


def read_csv(text: str) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ImportFileError("the CSV file is empty or has no header row")
    names = [(n or "").strip().lower() for n in reader.fieldnames]
    if "record" not in names:
        raise ImportFileError("the CSV header has no 'record' column")
    unknown = sorted(set(names) - set(CSV_COLUMNS) - {""})
    if unknown:
        raise ImportFileError(f"unknown CSV columns: {', '.join(unknown)} (allowed: {', '.join(CSV_COLUMNS)})")
    reader.fieldnames = names
    rows = []
    try:
        for row in reader:
            # line_num is the line the row ends on; a row without embedded newlines starts there too.
            extra = row.pop(None, None)
            values = {k: (v or "").strip() for k, v in row.items() if k}
            if extra:
                values["__extra__"] = "yes"
            if not any(values.values()):
                continue
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        raise ImportFileError(f"line {reader.line_num}: not valid CSV ({exc})")
    return rows


def read_json(text: str) -> list[tuple[int, dict]]:
    """A top-level JSON array of objects; each object is reported by the line it starts on."""
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "[":
        raise ImportFileError("the JSON file must be an array of record objects")
    pos = _skip_ws(text, pos + 1)
    rows = []
    if pos < len(text) and text[pos] == "]":
        return rows
    while True:
        line = text.count("\n", 0, pos) + 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"line {exc.lineno}: not valid JSON ({exc.msg})")
        rows.append((line, value))
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            if _skip_ws(text, pos + 1) != len(text):
                raise ImportFileError(f"line {text.count(chr(10), 0, pos) + 1}: unexpected data after the array")
            return rows
        raise ImportFileError(f"line {text.count(chr(10), 0, pos) + 1}: expected ',' or ']' in the array")


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def read_file(path: str, fmt: str | None = None) -> list[tuple[int, dict]]:
    fmt = (fmt or "").lower() or ("json" if str(path).lower().endswith(".json") else "csv")
    if fmt not in ("csv", "json"):
        raise ImportFileError(f"unknown format {fmt!r} (use csv or json)")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise ImportFileError("the file is not UTF-8 text")
    return read_json(text) if fmt == "json" else read_csv(text)


# --- validating ----------------------------------------------------------------------------------


def _text(raw, name: str) -> str:
    value = raw.get(name, "")
    if value is None:
        return ""
    if isinstance(value, (dict, list)) and name not in ("domains", "products"):
        raise ValueError(f"{name} must be text")
    return str(value).strip() if not isinstance(value, list) else value


def _list(raw, name: str) -> list[str]:
    value = raw.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, list):
        items = value
    elif isinstance(value, str):
        items = value.split(";")
    else:
        raise ValueError(f"{name} must be a list or a ';'-separated text")
    return [str(item).strip() for item in items if str(item).strip()]


def _bool(raw, name: str, default: bool) -> bool:
    value = raw.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def _guid(raw, name: str) -> uuid.UUID:
    value = _text(raw, name)
    if not value:
        raise ValueError(f"{name} is required")
    try:
        return uuid.UUID(value.strip("{}"))
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a GUID")


def _required(raw, name: str) -> str:
    value = _text(raw, name)
    if not value:
        raise ValueError(f"{name} is required")
    return value


def _choice(raw, name: str, choices) -> str:
    value = _required(raw, name).lower()
    if value not in choices:
        raise ValueError(f"{name} {value!r} is not one of {', '.join(choices)}")
    return value


def validate(rows: list[tuple[int, dict]]) -> tuple[Plan, list[RowError]]:
    """Check every record (each against the database and the rest of the file) and build
    the plan of what to write. Nothing is written here."""
    plan, errors = Plan(), []
    seen: dict[tuple, int] = {}
    subscription_rows = []
    for line, raw in rows:
        try:
            if not isinstance(raw, dict):
                raise ValueError("a record must be an object")
            if raw.get("__extra__"):
                raise ValueError("more values than columns in the header")
            kind = _text(raw, "record").lower()
            if kind not in RECORD_TYPES:
                raise ValueError(f"record must be one of {', '.join(RECORD_TYPES)}, not {kind!r}")
            if kind == "product":
                code = _required(raw, "code")
                if not _SLUG.match(code):
                    raise ValueError(f"code {code!r} must be letters, digits, '-' or '_' (at most 64)")
                name = _required(raw, "name")[:200]
                area = _choice(raw, "solution_area", SolutionArea.values)
                key = ("product", code)
                _not_seen(seen, key, line, f"product {code}")
                plan.products[code] = {
                    "name": name,
                    "solution_area": area,
                    "is_dynamics": _bool(raw, "is_dynamics", area == SolutionArea.BUSINESS_APPLICATIONS),
                    "is_active": _bool(raw, "is_active", True),
                }
            elif kind == "tenant":
                tenant_id = _guid(raw, "tenant_id")
                name = _required(raw, "name")[:200]
                domains = [d.lower() for d in _list(raw, "domains")]
                for domain in domains:
                    if not _DOMAIN.match(domain):
                        raise ValueError(f"domain {domain!r} is not a domain name")
                _not_seen(seen, ("tenant", tenant_id), line, f"tenant {tenant_id}")
                for domain in domains:
                    _not_seen(seen, ("domain", domain), line, f"domain {domain}")
                plan.tenants[tenant_id] = {"name": name, "domains": domains, "line": line}
            else:
                subscription_id = _guid(raw, "subscription_id")
                tenant_id = _guid(raw, "tenant_id")
                channel = _choice(raw, "channel", Channel.values)
                status = _choice(raw, "status", SubscriptionStatus.values)
                provisioned = _bool(raw, "provisioned", True)
                products = _list(raw, "products")
                if not products:
                    raise ValueError("products is required (at least one product code)")
                _not_seen(seen, ("subscription", subscription_id), line, f"subscription {subscription_id}")
                plan.subscriptions[subscription_id] = {
                    "tenant_id": tenant_id,
                    "channel": channel,
                    "status": status,
                    "provisioned": provisioned,
                    "products": products,
                }
                subscription_rows.append((line, subscription_id))
        except ValueError as exc:
            errors.append(RowError(line, str(exc)))

    # Cross-references: against the file and what is already imported.
    known_codes = set(Product.objects.filter(code__in=_all_codes(plan)).values_list("code", flat=True))
    known_codes |= set(plan.products)
    wanted_tenants = {s["tenant_id"] for s in plan.subscriptions.values()}
    known_tenants = set(CustomerTenant.objects.filter(tenant_id__in=wanted_tenants).values_list("tenant_id", flat=True))
    known_tenants |= set(plan.tenants)
    tenant_ids_used_as_subscriptions = set(
        CustomerTenant.objects.filter(tenant_id__in=list(plan.subscriptions)).values_list("tenant_id", flat=True)
    )
    for line, subscription_id in subscription_rows:
        sub = plan.subscriptions[subscription_id]
        missing = [code for code in sub["products"] if code not in known_codes]
        if missing:
            errors.append(RowError(line, f"unknown product code(s): {', '.join(missing)}"))
        if sub["tenant_id"] not in known_tenants:
            errors.append(RowError(line, f"tenant {sub['tenant_id']} is neither in the file nor imported"))
        if subscription_id in tenant_ids_used_as_subscriptions or subscription_id in plan.tenants:
            errors.append(RowError(line, f"subscription_id {subscription_id} is a tenant ID"))
    # A domain belongs to one tenant: refuse moving it silently.
    all_domains = {d: t for t, data in plan.tenants.items() for d in data["domains"]}
    owners = dict(TenantDomain.objects.filter(domain__in=all_domains).values_list("domain", "tenant__tenant_id"))
    for domain, tenant_id in all_domains.items():
        owner = owners.get(domain)
        if owner is not None and owner != tenant_id:
            errors.append(
                RowError(plan.tenants[tenant_id]["line"], f"domain {domain} already belongs to tenant {owner}")
            )
    errors.sort(key=lambda e: e.line)
    return plan, errors


def _all_codes(plan: Plan) -> set[str]:
    return {code for sub in plan.subscriptions.values() for code in sub["products"]}


def _not_seen(seen: dict, key: tuple, line: int, what: str) -> None:
    if key in seen:
        raise ValueError(f"{what} appears twice (first on line {seen[key]})")
    seen[key] = line


# --- writing ---------------------------------------------------------------------------------------


@transaction.atomic
def apply(plan: Plan) -> Stats:
    """Write a validated plan: upsert products, tenants, domains and subscriptions."""
    stats = Stats()
    products = {}
    for code, values in plan.products.items():
        product, created = Product.objects.update_or_create(code=code, defaults=values)
        _count(stats, "products", created)
        products[code] = product
    tenants = {}
    for tenant_id, values in plan.tenants.items():
        tenant, created = CustomerTenant.objects.update_or_create(
            tenant_id=tenant_id, defaults={"name": values["name"]}
        )
        _count(stats, "tenants", created)
        tenants[tenant_id] = tenant
        for domain in values["domains"]:
            _obj, created = TenantDomain.objects.get_or_create(
                domain=domain, defaults={"tenant": tenant, "is_initial": domain.endswith(".onmicrosoft.com")}
            )
            if created:
                stats.created["domains"] += 1
    missing_codes = _all_codes(plan) - set(products)
    products.update({p.code: p for p in Product.objects.filter(code__in=missing_codes)})
    missing_tenants = {s["tenant_id"] for s in plan.subscriptions.values()} - set(tenants)
    tenants.update({t.tenant_id: t for t in CustomerTenant.objects.filter(tenant_id__in=missing_tenants)})
    now = timezone.now()
    existing = {s.subscription_id: s for s in Subscription.objects.filter(subscription_id__in=plan.subscriptions)}
    for subscription_id, values in plan.subscriptions.items():
        subscription = existing.get(subscription_id)
        created = subscription is None
        if created:
            subscription = Subscription(subscription_id=subscription_id)
        was_provisioned = not created and subscription.provisioned
        subscription.tenant = tenants[values["tenant_id"]]
        subscription.channel = values["channel"]
        subscription.status = values["status"]
        subscription.provisioned = values["provisioned"]
        # When the products became available: the re-check job tells waiting drafts.
        if not values["provisioned"]:
            subscription.provisioned_at = None
        elif not was_provisioned or subscription.provisioned_at is None:
            subscription.provisioned_at = now
        subscription.save()
        subscription.products.set([products[code] for code in values["products"]])
        _count(stats, "subscriptions", created)
    return stats


def _count(stats: Stats, what: str, created: bool) -> None:
    (stats.created if created else stats.updated)[what] += 1
