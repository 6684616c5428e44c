"""Demo data: the reference data, users and claim stories behind ``manage.py seed_demo``, the
validation cases partners can replay, and the bulk generator for volume tests.

Everything the demo names has a fixed identity (``uuid5`` over fixed names, fixed MPN numbers
and usernames), so a second run finds it and changes nothing. The claim stories are made
through ``claims.services`` so they carry the audit events, system comments and notifications
a real claim has; they are replayed at past moments (``_clock``) so timelines and deadlines
look lived-in.
"""

import datetime as dt
import struct
import time
import unicodedata
import uuid
import zlib
from array import array
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from random import Random
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Index, Max, UniqueConstraint
from django.utils import timezone

from accounts.models import User
from accounts.roles import REVIEW_LEADS_GROUP, REVIEWERS_GROUP
from arbitration.models import ArbitrationCase, CaseClaim, CaseStatus
from arbitration.services import arbitration_award
from audit.models import AuditEvent
from claims import services
from claims.cache import claims_changed
from claims.models import (
    Activity,
    Claim,
    Comment,
    DueKind,
    EndReason,
    PoeFile,
    RejectionReason,
    Status,
)
from directory.models import (
    Channel,
    CustomerTenant,
    Product,
    SolutionArea,
    Subscription,
    SubscriptionStatus,
    TenantDomain,
)
from lib.business_days import business_days_after, is_business_day
from notifications.models import EmailState, Notification
from partners.models import Membership, Mpn, Partner, PartnerType, Role

DEFAULT_PASSWORD = "cpor-demo"  # noqa: S105 - the documented demo password, overridden by DEMO_PASSWORD
NAMESPACE = uuid.UUID("6f1c3f0e-2b1a-5d7e-9c4b-0c5e1d7a3b21")

BA = SolutionArea.BUSINESS_APPLICATIONS
M365 = SolutionArea.MICROSOFT_365
VL, WEB, CSP = Channel.VOLUME_LICENSING, Channel.WEB_DIRECT, Channel.CSP


def demo_uuid(kind: str, name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{name}")


# --- reference data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MpnSpec:
    number: str
    location: str
    enrolled: bool
    partner_type: str = PartnerType.NONE


# key: (company name, e-mail domain, MPNs). The first enrolled MPN is the one stories file with.
PARTNERS = {
    "contoso": (
        "Contoso",
        "contoso.example",
        (
            MpnSpec("4649120", "Stockholm (headquarters)", True),
            MpnSpec("4649121", "Göteborg", False),
            MpnSpec("603548712", "Malmö", True, PartnerType.FRP_FASTTRACK),
        ),
    ),
    "fabrikam": (
        "Fabrikam",
        "fabrikam.example",
        (
            MpnSpec("5120877", "Oslo", True, PartnerType.CSP_DIRECT),
            MpnSpec("5120878", "Bergen", False),
        ),
    ),
    "litware": (
        "Litware",
        "litware.example",
        (
            MpnSpec("229031", "Helsinki", True, PartnerType.MSP),
            MpnSpec("22903155410", "Tampere", False),
        ),
    ),
}


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    email: str
    partner: str = ""
    role: str = ""
    group: str = ""
    superuser: bool = False
    language: str = "en"


USERS = (
    UserSpec("contoso.admin", "Karin", "Holm", "karin.holm@contoso.example", "contoso", Role.INCENTIVES_ADMIN),
    UserSpec(
        "contoso.viewer",
        "Erik",
        "Sandberg",
        "erik.sandberg@contoso.example",
        "contoso",
        Role.INCENTIVES_USER,
        language="sv",
    ),
    UserSpec("fabrikam.admin", "Ingrid", "Dahl", "ingrid.dahl@fabrikam.example", "fabrikam", Role.INCENTIVES_ADMIN),
    UserSpec("litware.admin", "Mikko", "Laine", "mikko.laine@litware.example", "litware", Role.GLOBAL_ADMIN),
    UserSpec("reviewer1", "Priya", "Raman", "priya.raman@microsoft.example", group=REVIEWERS_GROUP),
    UserSpec("reviewer2", "Johan", "Ek", "johan.ek@microsoft.example", group=REVIEWERS_GROUP, language="sv"),
    UserSpec("lead", "Grace", "Okafor", "grace.okafor@microsoft.example", group=REVIEW_LEADS_GROUP),
    UserSpec("admin", "Ops", "Admin", "ops@cpor-portal.example", superuser=True),
)
PARTNER_WRITERS = {"contoso": "contoso.admin", "fabrikam": "fabrikam.admin", "litware": "litware.admin"}

# (code, name, solution area, is Dynamics 365, offered on the claim form)
PRODUCTS = (
    ("d365-sales", "Dynamics 365 Sales", BA, True, True),
    ("d365-customer-service", "Dynamics 365 Customer Service", BA, True, True),
    ("d365-field-service", "Dynamics 365 Field Service", BA, True, True),
    ("d365-finance", "Dynamics 365 Finance", BA, True, True),
    ("d365-supply-chain", "Dynamics 365 Supply Chain Management", BA, True, True),
    ("d365-business-central", "Dynamics 365 Business Central", BA, True, True),
    ("d365-project-operations", "Dynamics 365 Project Operations", BA, True, True),
    ("d365-commerce", "Dynamics 365 Commerce", BA, True, True),
    ("d365-customer-insights", "Dynamics 365 Customer Insights", BA, True, True),
    ("exchange-online", "Exchange Online", M365, False, True),
    ("sharepoint-online", "SharePoint Online", M365, False, True),
    ("teams", "Microsoft Teams", M365, False, True),
    ("intune", "Microsoft Intune", M365, False, True),
    ("onedrive", "OneDrive for Business", M365, False, True),
    ("defender-office-365", "Microsoft Defender for Office 365", M365, False, True),
    # Suites are what a subscription is bought as; partners claim the workloads inside them.
    ("m365-e3", "Microsoft 365 E3", M365, False, False),
    ("m365-e5", "Microsoft 365 E5", M365, False, False),
)
BA_PRODUCTS = tuple(code for code, _, area, _, active in PRODUCTS if area == BA and active)
M365_WORKLOADS = tuple(code for code, _, area, _, active in PRODUCTS if area == M365 and active)
E3 = ("m365-e3", "exchange-online", "sharepoint-online", "teams", "intune", "onedrive")
E5 = ("m365-e5", "exchange-online", "sharepoint-online", "teams", "intune", "onedrive", "defender-office-365")

# slug (→ slug.onmicrosoft.com and slug.example), customer name, customer contact, contact title
TENANTS = (
    ("northwindtraders", "Northwind Traders", "Astrid Lindqvist", "CIO"),
    ("adventureworks", "Adventure Works", "Tomás Ruiz", "Head of Customer Service"),
    ("tailspintoys", "Tailspin Toys", "Hanna Virtanen", "CFO"),
    ("wideworldimporters", "Wide World Importers", "Lars Nilsen", "IT Director"),
    ("fourthcoffee", "Fourth Coffee", "Sofia Costa", "Sales Operations Manager"),
    ("alpineskihouse", "Alpine Ski House", "Jonas Weber", "Managing Director"),
    ("woodgrovebank", "Woodgrove Bank", "Elin Björk", "Head of Finance Systems"),
    ("cohowinery", "Coho Winery", "Marco Bianchi", "Operations Manager"),
    ("proseware", "Proseware", "Aino Korhonen", "CIO"),
    ("treyresearch", "Trey Research", "Oskar Lund", "IT Manager"),
    ("blueyonderairlines", "Blue Yonder Airlines", "Fatima Haddad", "Director of Maintenance"),
    ("lucernepublishing", "Lucerne Publishing", "Nils Eriksson", "CFO"),
    ("margiestravel", "Margie's Travel", "Margie Shoop", "Owner"),
    ("relecloud", "Relecloud", "Sara Johansson", "VP Finance"),
    ("vanarsdel", "VanArsdel", "Pieter de Vries", "IT Director"),
    ("wingtiptoys", "Wingtip Toys", "Emma Larsen", "E-commerce Manager"),
    ("tailwindtraders", "Tailwind Traders", "David Kim", "Head of Sales"),
    ("lamnahealthcare", "Lamna Healthcare", "Ida Mortensen", "Service Director"),
    ("humongousinsurance", "Humongous Insurance", "Ahmed Saleh", "CIO"),
    ("citypowerlight", "City Power & Light", "Karl Strand", "Field Operations Manager"),
    ("bellowscollege", "Bellows College", "Linnea Ahl", "Head of IT"),
    ("munsonspickles", "Munson's Pickles and Preserves Farm", "Greta Munson", "Owner"),
    ("adatum", "A. Datum Corporation", "Viktor Holm", "Finance Director"),
    ("consolidatedmessenger", "Consolidated Messenger", "Julia Novak", "Sales Director"),
    ("southridgevideo", "Southridge Video", "Rasmus Friis", "IT Manager"),
    ("graphicdesigninstitute", "Graphic Design Institute", "Maja Lind", "Head of Administration"),
)


@dataclass(frozen=True)
class SubscriptionSpec:
    label: str
    tenant: str
    products: tuple
    channel: str
    status: str = SubscriptionStatus.ACTIVE
    provisioned: bool = True


EXPIRED, DISABLED, IN_GRACE = SubscriptionStatus.EXPIRED, SubscriptionStatus.DISABLED, SubscriptionStatus.IN_GRACE
SUBSCRIPTIONS = (
    SubscriptionSpec("nw-sales", "northwindtraders", ("d365-sales",), VL),
    SubscriptionSpec("nw-m365", "northwindtraders", E3, CSP),
    SubscriptionSpec("aw-cs", "adventureworks", ("d365-customer-service",), WEB),
    SubscriptionSpec("aw-sales", "adventureworks", ("d365-sales",), VL),
    SubscriptionSpec("aw-m365", "adventureworks", E3, VL),
    SubscriptionSpec("tt-bc", "tailspintoys", ("d365-business-central",), WEB),
    SubscriptionSpec("tt-m365", "tailspintoys", E3, CSP),
    SubscriptionSpec("wwi-m365", "wideworldimporters", E5, CSP),
    SubscriptionSpec("wwi-finance", "wideworldimporters", ("d365-finance",), VL),
    SubscriptionSpec("fc-sales", "fourthcoffee", ("d365-sales",), VL),
    SubscriptionSpec("fc-m365", "fourthcoffee", E3, VL),
    SubscriptionSpec("as-sales", "alpineskihouse", ("d365-sales",), CSP),
    SubscriptionSpec("as-m365", "alpineskihouse", E3, CSP),
    SubscriptionSpec("wg-finance", "woodgrovebank", ("d365-finance",), VL, provisioned=False),
    SubscriptionSpec("wg-m365", "woodgrovebank", E3, VL),
    SubscriptionSpec("cw-scm-2023", "cohowinery", ("d365-supply-chain",), VL, EXPIRED),
    SubscriptionSpec("cw-scm", "cohowinery", ("d365-supply-chain",), VL),
    SubscriptionSpec("pw-sales", "proseware", ("d365-sales",), WEB),
    SubscriptionSpec("tr-sales", "treyresearch", ("d365-sales", "d365-customer-service"), VL),
    SubscriptionSpec("tr-m365", "treyresearch", E5, VL),
    SubscriptionSpec("by-fs", "blueyonderairlines", ("d365-field-service",), VL),
    SubscriptionSpec("by-cs", "blueyonderairlines", ("d365-customer-service",), WEB),
    SubscriptionSpec("lp-bc", "lucernepublishing", ("d365-business-central",), WEB),
    SubscriptionSpec("lp-m365", "lucernepublishing", E3, CSP),
    SubscriptionSpec("mt-sales", "margiestravel", ("d365-sales",), WEB),
    SubscriptionSpec("mt-m365", "margiestravel", E3, CSP),
    SubscriptionSpec("rc-sales", "relecloud", ("d365-sales",), VL),
    SubscriptionSpec("rc-finance", "relecloud", ("d365-finance", "d365-supply-chain"), VL),
    SubscriptionSpec("va-po", "vanarsdel", ("d365-project-operations",), VL),
    SubscriptionSpec("va-m365", "vanarsdel", E3, VL),
    SubscriptionSpec("wt-commerce", "wingtiptoys", ("d365-commerce",), VL),
    SubscriptionSpec("wt-m365", "wingtiptoys", E3, CSP),
    SubscriptionSpec("tw-sales", "tailwindtraders", ("d365-sales", "d365-customer-insights"), VL),
    SubscriptionSpec("tw-scm", "tailwindtraders", ("d365-supply-chain",), VL, IN_GRACE),
    SubscriptionSpec("lh-cs", "lamnahealthcare", ("d365-customer-service", "d365-field-service"), VL),
    SubscriptionSpec("lh-m365", "lamnahealthcare", E3, VL),
    SubscriptionSpec("hi-sales", "humongousinsurance", ("d365-sales",), VL),
    SubscriptionSpec("hi-m365", "humongousinsurance", E3, VL),
    SubscriptionSpec("cp-fs", "citypowerlight", ("d365-field-service",), VL),
    SubscriptionSpec("bc-m365", "bellowscollege", E5, VL),
    SubscriptionSpec("mp-bc", "munsonspickles", ("d365-business-central",), WEB, DISABLED),
    SubscriptionSpec("ad-finance", "adatum", ("d365-finance",), VL),
    SubscriptionSpec("ad-m365", "adatum", E3, CSP),
    SubscriptionSpec("cm-sales", "consolidatedmessenger", ("d365-sales",), VL),
    SubscriptionSpec("sv-m365", "southridgevideo", E3, CSP),
    SubscriptionSpec("gd-m365", "graphicdesigninstitute", E3, VL),
)
SUBSCRIPTIONS_BY_LABEL = {s.label: s for s in SUBSCRIPTIONS}


def tenant_uuid(slug: str) -> uuid.UUID:
    return demo_uuid("tenant", slug)


def subscription_uuid(label: str) -> uuid.UUID:
    return demo_uuid("subscription", label)


# --- validation cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One submission contoso.admin can replay with an enrolled Contoso MPN, and its outcome."""

    case: str
    tenant_id: str
    domain: str
    solution_area: str
    activity: str
    product: str
    subscription_id: str
    expected: str
    note: str


def _t(slug: str) -> str:
    return str(tenant_uuid(slug))


def _s(label: str) -> str:
    return str(subscription_uuid(label))


P, U, RA = Activity.PRESALES, Activity.USAGE, Activity.REVENUE_ASSOCIATION
# What a claim is for: (solution area, activity).
PRESALES, USAGE, REVENUE, M365_USAGE = (BA, P), (BA, U), (BA, RA), (M365, U)
INSUFFICIENT_POE, CUSTOMER_DECLINED = RejectionReason.INSUFFICIENT_POE, RejectionReason.CUSTOMER_DECLINED
NW, NW_DOMAIN = _t("northwindtraders"), "northwindtraders.example"

CASES = (
    Case("valid_presales", NW, NW_DOMAIN, BA, P, "d365-sales", _s("nw-sales"), "ok", "Volume Licensing, active."),
    Case(
        "valid_usage",
        _t("adventureworks"),
        "adventureworks.onmicrosoft.com",
        BA,
        U,
        "d365-customer-service",
        _s("aw-cs"),
        "ok",
        "Web-Direct, active.",
    ),
    Case(
        "valid_revenue_association",
        _t("tailspintoys"),
        "tailspintoys.example",
        BA,
        RA,
        "d365-business-central",
        "",
        "ok",
        "No subscription entered: the tenant's one eligible subscription is resolved. Needs no enrolled MPN.",
    ),
    Case(
        "valid_m365_usage",
        _t("wideworldimporters"),
        "wideworldimporters.example",
        M365,
        U,
        "teams",
        "",
        "ok",
        "Teams is part of the tenant's Microsoft 365 E5 subscription.",
    ),
    Case(
        "tenant_id_not_guid",
        NW[:-4],
        NW_DOMAIN,
        BA,
        P,
        "d365-sales",
        _s("nw-sales"),
        "tenant_id_not_guid",
        "Tenant ID pasted with its last four characters missing.",
    ),
    Case(
        "tenant_not_found",
        str(demo_uuid("tenant", "not-in-directory")),
        NW_DOMAIN,
        BA,
        P,
        "d365-sales",
        _s("nw-sales"),
        "tenant_not_found",
        "A well-formed GUID no tenant has.",
    ),
    Case(
        "domain_tenant_mismatch",
        NW,
        "adventureworks.example",
        BA,
        P,
        "d365-sales",
        _s("nw-sales"),
        "domain_tenant_mismatch",
        "Northwind's tenant ID with Adventure Works' domain.",
    ),
    Case(
        "activity_not_offered",
        _t("wideworldimporters"),
        "wideworldimporters.example",
        M365,
        P,
        "teams",
        "",
        "activity_not_offered",
        "Microsoft 365 offers only Usage.",
    ),
    Case(
        "product_not_on_tenant",
        NW,
        NW_DOMAIN,
        BA,
        P,
        "d365-field-service",
        "",
        "product_not_on_tenant",
        "Northwind has no Field Service subscription.",
    ),
    Case(
        "subscription_id_invalid",
        NW,
        NW_DOMAIN,
        BA,
        P,
        "d365-sales",
        "NW-SALES-2024",
        "subscription_id_invalid",
        "An order number, not a GUID.",
    ),
    Case(
        "subscription_id_is_tenant",
        NW,
        NW_DOMAIN,
        BA,
        P,
        "d365-sales",
        NW,
        "subscription_id_is_tenant",
        "The tenant ID entered as the subscription ID.",
    ),
    Case(
        "subscription_not_found",
        NW,
        NW_DOMAIN,
        BA,
        P,
        "d365-sales",
        str(demo_uuid("subscription", "not-in-directory")),
        "subscription_not_found",
        "A well-formed GUID no subscription has.",
    ),
    Case(
        "subscription_other_tenant",
        NW,
        NW_DOMAIN,
        BA,
        P,
        "d365-sales",
        _s("aw-sales"),
        "subscription_other_tenant",
        "Adventure Works' Sales subscription on Northwind's claim.",
    ),
    Case(
        "subscription_not_dynamics",
        _t("fourthcoffee"),
        "fourthcoffee.example",
        BA,
        P,
        "d365-sales",
        _s("fc-m365"),
        "subscription_not_dynamics",
        "The tenant's Microsoft 365 E3 subscription instead of its Dynamics 365 Sales one.",
    ),
    Case(
        "subscription_is_csp",
        _t("alpineskihouse"),
        "alpineskihouse.example",
        BA,
        P,
        "d365-sales",
        _s("as-sales"),
        "subscription_is_csp",
        "Dynamics 365 Sales bought through CSP.",
    ),
    Case(
        "subscription_not_provisioned",
        _t("woodgrovebank"),
        "woodgrovebank.example",
        BA,
        P,
        "d365-finance",
        _s("wg-finance"),
        "subscription_not_provisioned",
        "Bought, not yet provisioned; Contoso keeps a draft waiting for it.",
    ),
    Case(
        "subscription_not_active",
        _t("cohowinery"),
        "cohowinery.example",
        BA,
        U,
        "d365-supply-chain",
        _s("cw-scm-2023"),
        "subscription_not_active",
        "The expired 2023 subscription; the renewed one needs a new claim.",
    ),
    Case(
        "already_claimed",
        _t("proseware"),
        "proseware.example",
        BA,
        P,
        "d365-sales",
        _s("pw-sales"),
        "already_claimed",
        "Contoso already owns this subscription for Presales (approved).",
    ),
)


def demo_cases() -> list[dict]:
    return [{name: str(value) for name, value in case.__dict__.items()} for case in CASES]


# --- PoE content ---------------------------------------------------------------------------------


def demo_pdf(text: str) -> bytes:
    """A small, valid one-page PDF showing ``text`` (distinct text, distinct SHA-256)."""
    safe = text.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 14 Tf 40 780 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def demo_png(seed: int, size: int = 32) -> bytes:
    """A small, valid RGB PNG: a two-colour bar chart look-alike, different per ``seed``."""
    rng = Random(seed)
    heights = [rng.randrange(4, size) for _ in range(size // 4)]
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter: none
        for x in range(size):
            filled = size - y <= heights[x // 4] and x % 4 != 3
            row += b"\x00\x78\xd4" if filled else b"\xff\xff\xff"
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


# --- seeding the reference data and users -------------------------------------------------------


def _seed_reference_data() -> None:
    products = {}
    for code, name, area, is_dynamics, active in PRODUCTS:
        products[code], _ = Product.objects.get_or_create(
            code=code, defaults={"name": name, "solution_area": area, "is_dynamics": is_dynamics, "is_active": active}
        )
    for slug, name, _contact, _title in TENANTS:
        tenant, _ = CustomerTenant.objects.get_or_create(tenant_id=tenant_uuid(slug), defaults={"name": name})
        TenantDomain.objects.get_or_create(
            domain=f"{slug}.onmicrosoft.com", defaults={"tenant": tenant, "is_initial": True}
        )
        TenantDomain.objects.get_or_create(domain=f"{slug}.example", defaults={"tenant": tenant, "is_initial": False})
    tenants = {
        t.tenant_id: t for t in CustomerTenant.objects.filter(tenant_id__in=[tenant_uuid(s[0]) for s in TENANTS])
    }
    for spec in SUBSCRIPTIONS:
        sub, created = Subscription.objects.get_or_create(
            subscription_id=subscription_uuid(spec.label),
            defaults={
                "tenant": tenants[tenant_uuid(spec.tenant)],
                "channel": spec.channel,
                "status": spec.status,
                "provisioned": spec.provisioned,
                "provisioned_at": None if not spec.provisioned else timezone.now() - dt.timedelta(days=120),
            },
        )
        if created:
            sub.products.set([products[code] for code in spec.products])
    for name, _domain, mpns in PARTNERS.values():
        partner, _ = Partner.objects.get_or_create(name=name)
        for spec in mpns:
            Mpn.objects.get_or_create(
                number=spec.number,
                defaults={
                    "partner": partner,
                    "location": spec.location,
                    "incentive_enrolled": spec.enrolled,
                    "partner_type": spec.partner_type,
                },
            )


def _seed_users(password: str) -> None:
    partners = {key: Partner.objects.get(name=name) for key, (name, _, _) in PARTNERS.items()}
    for spec in USERS:
        user, _ = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": spec.email,
                "language": spec.language,
                "is_staff": spec.superuser,
                "is_superuser": spec.superuser,
            },
        )
        # Every run, so that changing DEMO_PASSWORD and re-running takes effect.
        user.set_password(password)
        user.save(update_fields=["password"])
        if spec.group:
            user.groups.add(Group.objects.get_or_create(name=spec.group)[0])
        if spec.partner:
            Membership.objects.get_or_create(user=user, defaults={"partner": partners[spec.partner], "role": spec.role})


# --- the claim stories ----------------------------------------------------------------------------

# Rows whose timestamp comes from a model default (bound to the real clock at import time), so
# the demo clock has to stamp them after the fact.
_DEFAULT_STAMPED = (
    (Claim, "created_at"),
    (Comment, "created_at"),
    (PoeFile, "uploaded_at"),
    (Notification, "created_at"),
    (ArbitrationCase, "opened_at"),
    (CaseClaim, "joined_at"),
)


@contextmanager
def _clock(moment: dt.datetime):
    """Run services as if it were ``moment``: deadlines, audit events and every row the block
    creates carry that time, so a claim's history reads as it would have happened."""
    marks = {model: model.objects.aggregate(m=Max("pk"))["m"] or 0 for model, _ in _DEFAULT_STAMPED}
    with mock.patch("django.utils.timezone.now", new=lambda: moment):
        yield
    for model, field in _DEFAULT_STAMPED:
        model.objects.filter(pk__gt=marks[model]).update(**{field: moment})


def _business_day_before(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day -= dt.timedelta(days=1)
        if is_business_day(day):
            n -= 1
    return day


class _Story:
    """The demo's claims, told through the services at past moments."""

    def __init__(self):
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()
        users = User.objects.filter(username__in=[u.username for u in USERS])
        self.users = {u.username: u for u in users}
        self.partner_user = {key: self.users[username] for key, username in PARTNER_WRITERS.items()}
        self.mpns = {
            key: list(Mpn.objects.filter(number__in=[m.number for m in mpns]).order_by("pk"))
            for key, (_, _, mpns) in PARTNERS.items()
        }
        self.products = {p.code: p for p in Product.objects.all()}
        self.contacts = {slug: (contact, title) for slug, _, contact, title in TENANTS}
        self.files = 0

    def ago(self, days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
        """``days`` business days before today at ``hour``:``minute`` local time, never in the future."""
        day = _business_day_before(timezone.localdate(self.now), days)
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)
        return min(moment, self.now - dt.timedelta(minutes=30))

    def mpn(self, partner: str, number: str | None = None) -> Mpn:
        mpns = self.mpns[partner]
        if number:
            return next(m for m in mpns if m.number == number)
        return next(m for m in mpns if m.incentive_enrolled)

    def file(self, partner, when, tenant="", kind=None, product="", sub="", *, mpn=None, reclaimed_from=None, **extra):
        """A draft for ``partner`` (``kind`` is a (solution area, activity) pair); empty arguments
        leave the field empty, as a partner might."""
        user = self.partner_user[partner]
        data = {"mpn": self.mpn(partner, mpn)}
        if tenant:
            contact, title = self.contacts[tenant]
            first, last = contact.split(" ", 1)
            data |= {
                "customer_tenant_id": str(tenant_uuid(tenant)),
                "customer_domain": f"{tenant}.example",
                "customer_contact_name": contact,
                "customer_contact_title": title,
                "customer_contact_email": _ascii(f"{first}.{last.replace(' ', '')}@{tenant}.example").lower(),
                "partner_contact_name": user.get_full_name(),
                "partner_contact_email": user.email,
            }
        if kind:
            data["solution_area"], data["activity"] = kind
        if product:
            data["products"] = [self.products[product]]
            data["description"] = _description(kind[0], kind[1], self.products[product].name)
        if sub:
            data["subscription_ref"] = str(subscription_uuid(sub))
        data |= extra
        with _clock(when):
            claim = services.claim_create(user=user, data=data, reclaimed_from=reclaimed_from)
        return _StoryClaim(self, claim, user)


def _ascii(text: str) -> str:
    """Tomás Ruiz → Tomas Ruiz: e-mail addresses keep to ASCII."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _description(area: str, activity: str, product: str) -> str:
    if area == M365:
        return f"Rolled out {product}: pilot, adoption campaign and champions programme."
    return {
        Activity.PRESALES: (
            f"Led the discovery workshops and a two-week proof of concept of {product} that preceded the purchase; "
            "the customer's signed acknowledgement is attached."
        ),
        Activity.USAGE: (
            f"Deployed {product}: configuration, data migration from the legacy system, integration and "
            "key-user training. Usage report attached."
        ),
        Activity.REVENUE_ASSOCIATION: (
            f"Business advisor for {product}: licensing roadmap, quarterly business reviews and renewal planning."
        ),
    }[activity]


class _StoryClaim:
    def __init__(self, story: _Story, claim: Claim, user):
        self.story, self.claim, self.user = story, claim, user

    def _refresh(self):
        self.claim = Claim.objects.get(pk=self.claim.pk)
        return self

    def poe(self, when, name="customer-acknowledgement.pdf", content: bytes | None = None):
        self.story.files += 1
        if content is None:
            if name.endswith(".png"):
                content = demo_png(self.claim.pk * 100 + self.story.files)
            else:
                content = demo_pdf(f"Proof of execution {self.claim.reference} - {name} - {self.story.files}")
        content_type = "image/png" if name.endswith(".png") else "application/pdf"
        with _clock(when):
            services.poe_attach(claim=self.claim, user=self.user, name=name, content=content, content_type=content_type)
        return self._refresh()

    def submit(self, when):
        with _clock(when):
            self.claim, _warnings = services.claim_submit(claim=self.claim, user=self.user)
        return self

    def review(self, reviewer, when):
        with _clock(when):
            self.claim = services.claim_start_review(claim=self.claim, user=self.story.users[reviewer])
        return self

    def assign(self, lead, assignee, when):
        users = self.story.users
        with _clock(when):
            self.claim = services.claim_assign(claim=self.claim, user=users[lead], assignee=users[assignee])
        return self

    def request_info(self, reviewer, when, reasons, message):
        with _clock(when):
            self.claim = services.claim_request_info(
                claim=self.claim, user=self.story.users[reviewer], reasons=reasons, message=message
            )
        return self

    def resubmit(self, when, message):
        with _clock(when):
            self.claim = services.claim_resubmit(claim=self.claim, user=self.user, message=message)
        return self

    def approve(self, reviewer, when, message=""):
        with _clock(when):
            self.claim = services.claim_approve(claim=self.claim, user=self.story.users[reviewer], message=message)
        return self

    def reject(self, reviewer, when, reason, message=""):
        user = self.story.users[reviewer] if reviewer else None
        with _clock(when):
            self.claim = services.claim_reject(claim=self.claim, user=user, reason=reason, message=message)
        return self

    def withdraw(self, when, reason=""):
        with _clock(when):
            self.claim = services.claim_withdraw(claim=self.claim, user=self.user, reason=reason)
        return self

    def dispute(self, when, justification):
        with _clock(when):
            self.claim = services.claim_dispute(claim=self.claim, user=self.user, justification=justification)
        return self

    def end(self, when, reason, message=""):
        user = self.user if reason == EndReason.PARTNER_DISASSOCIATED else None
        with _clock(when):
            self.claim = services.claim_end(claim=self.claim, user=user, reason=reason, message=message)
        return self

    def revert(self, lead, when, reason):
        with _clock(when):
            self.claim = services.claim_revert(claim=self.claim, user=self.story.users[lead], reason=reason)
        return self

    def comment(self, when, body, *, by=None, internal=False):
        author = self.story.users[by] if by else self.user
        with _clock(when):
            services.comment_add(claim=self.claim, user=author, body=body, internal=internal)
        return self._refresh()


def _set_subscription_status(label: str, status: str) -> None:
    Subscription.objects.filter(subscription_id=subscription_uuid(label)).update(status=status)


def _tell_stories(s: _Story) -> None:
    ago = s.ago

    # Approved. Contoso's Proseware presales is what the already_claimed case runs into.
    (
        s.file("contoso", ago(64), "proseware", PRESALES, "d365-sales", "pw-sales")
        .poe(ago(64, 11))
        .submit(ago(63))
        .review("reviewer1", ago(60))
        .approve("reviewer1", ago(58), "Signed acknowledgement on file.")
    )
    tailwind = (
        s.file("contoso", ago(45), "tailwindtraders", PRESALES, "d365-sales", "tw-sales")
        .poe(ago(45, 11), "signed-acknowledgement.pdf", demo_pdf("Tailwind Traders - Contoso presales acknowledgement"))
        .submit(ago(44))
        .review("reviewer2", ago(41))
        .approve("reviewer2", ago(40))
    )
    (
        s.file("fabrikam", ago(30), "treyresearch", USAGE, "d365-customer-service", "tr-sales")
        .poe(ago(30, 14), "go-live-report.pdf")
        .submit(ago(29))
        .review("reviewer1", ago(27))
        .request_info(
            "reviewer1",
            ago(26),
            ["dates", "no_customer_ack"],
            "The report is undated and not acknowledged by Trey Research. Please add the customer's signed "
            "go-live acceptance.",
        )
        .comment(ago(25, 9), "Uploading the signed acceptance from their IT manager now.")
        .poe(ago(25, 9, 5), "signed-go-live-acceptance.pdf")
        .resubmit(ago(25, 10), "Signed and dated go-live acceptance attached.")
        .approve("reviewer1", ago(23), "Thanks, the acceptance covers it.")
    )
    (
        s.file("litware", ago(38), "lucernepublishing", REVENUE, "d365-business-central")
        .poe(ago(38, 13))
        .submit(ago(37))
        .review("reviewer2", ago(35))
        .approve("reviewer2", ago(34))
    )
    (
        s.file("contoso", ago(20), "treyresearch", M365_USAGE, "teams")
        .poe(ago(20, 11), "teams-usage-report.png")
        .submit(ago(20, 12))
        .review("reviewer1", ago(18))
        .approve("reviewer1", ago(17))
    )
    (
        s.file("fabrikam", ago(55), "bellowscollege", M365_USAGE, "exchange-online")
        .poe(ago(55, 11), "mailbox-migration-report.pdf")
        .submit(ago(54))
        .review("reviewer2", ago(50))
        .approve("reviewer2", ago(49))
    )
    (
        s.file("litware", ago(70), "humongousinsurance", PRESALES, "d365-sales", "hi-sales")
        .poe(ago(70, 15))
        .submit(ago(69))
        .review("reviewer1", ago(66))
        .approve("reviewer1", ago(65))
    )

    # Rejected: one that can still be disputed, one whose window closed, one the partner asked
    # to reject, one rejected automatically for no partner response.
    (
        s.file("fabrikam", ago(9), "margiestravel", PRESALES, "d365-sales", "mt-sales")
        .poe(ago(9, 11), "meeting-notes.pdf")
        .submit(ago(8))
        .review("reviewer2", ago(6))
        .comment(ago(6, 11), "Notes only, no customer signature, no dates.", by="reviewer2", internal=True)
        .reject("reviewer2", ago(5), INSUFFICIENT_POE, "The PoE does not show work before the purchase.")
    )
    (
        s.file("litware", ago(50), "wingtiptoys", USAGE, "d365-commerce", "wt-commerce")
        .poe(ago(50, 12))
        .submit(ago(49))
        .review("reviewer1", ago(46))
        .reject("reviewer1", ago(45), CUSTOMER_DECLINED, "Wingtip Toys did not confirm Litware's involvement.")
    )
    (
        s.file("contoso", ago(16), "adatum", PRESALES, "d365-finance", "ad-finance")
        .poe(ago(16, 11))
        .submit(ago(15))
        .comment(ago(14), "We filed this with the wrong MPN, please reject it so we can file it again.")
        .review("reviewer2", ago(13))
        .reject("reviewer2", ago(13, 14), RejectionReason.PARTNER_REQUEST_WRONG_MPN, "Rejected at Contoso's request.")
    )
    (
        s.file("contoso", ago(22), "lamnahealthcare", M365_USAGE, "sharepoint-online")
        .poe(ago(22, 11), "intranet-launch.png")
        .submit(ago(21))
        .review("reviewer1", ago(19))
        .request_info("reviewer1", ago(18), ["work_not_described"], "Please describe what Contoso did in the rollout.")
        .reject(None, ago(12, 0, 5), RejectionReason.NO_PARTNER_RESPONSE)
    )

    # Disputed.
    (
        s.file("contoso", ago(14), "consolidatedmessenger", USAGE, "d365-sales", "cm-sales")
        .poe(ago(14, 11), "usage-dashboard.png")
        .submit(ago(13))
        .review("reviewer1", ago(10))
        .reject("reviewer1", ago(8), INSUFFICIENT_POE, "The dashboard does not show who did the work.")
        .poe(ago(6, 9), "statement-of-work-signed.pdf")
        .dispute(ago(6, 10), "The signed statement of work names Contoso as the implementation partner.")
    )
    (
        s.file("fabrikam", ago(19), "lamnahealthcare", REVENUE, "d365-field-service")
        .poe(ago(19, 10))
        .submit(ago(18))
        .review("reviewer2", ago(16))
        .reject("reviewer2", ago(15), CUSTOMER_DECLINED)
        .dispute(ago(3), "Lamna's service director confirmed by e-mail (attached earlier) that we advise them.")
    )
    (
        s.file("litware", ago(12), "southridgevideo", M365_USAGE, "teams")
        .poe(ago(12, 13), "teams-adoption.pdf")
        .submit(ago(11))
        .review("reviewer1", ago(9))
        .reject("reviewer1", ago(7), INSUFFICIENT_POE)
        .comment(ago(7, 15), "Adding the champions programme report.")
        .poe(ago(7, 15, 30), "champions-programme.pdf")
        .dispute(ago(1, 9), "The champions programme report shows our adoption work from pilot to rollout.")
    )

    # Ended: by the partner, and by the subscription re-check when a subscription expired or
    # was disabled (the directory says so now; it was active when the claims were approved).
    (
        s.file("contoso", ago(120), "wideworldimporters", PRESALES, "d365-finance", "wwi-finance")
        .poe(ago(120, 11))
        .submit(ago(119))
        .review("reviewer2", ago(116))
        .approve("reviewer2", ago(115))
        .end(ago(30), EndReason.PARTNER_DISASSOCIATED, "Wide World Importers moved to another advisor.")
    )
    _set_subscription_status("cw-scm-2023", SubscriptionStatus.ACTIVE)
    coho = (
        s.file("fabrikam", ago(200), "cohowinery", USAGE, "d365-supply-chain", "cw-scm-2023")
        .poe(ago(200, 11))
        .submit(ago(199))
        .review("reviewer1", ago(196))
        .approve("reviewer1", ago(195))
    )
    _set_subscription_status("cw-scm-2023", SubscriptionStatus.EXPIRED)
    coho.end(ago(20, 3, 15), EndReason.SUBSCRIPTION_EXPIRED)
    (
        s.file("litware", ago(90), "vanarsdel", PRESALES, "d365-project-operations", "va-po")
        .poe(ago(90, 11))
        .submit(ago(89))
        .review("reviewer2", ago(86))
        .approve("reviewer2", ago(85))
        .end(ago(10), EndReason.PARTNER_DISASSOCIATED, "Project handed over to the customer's own team.")
    )
    (
        s.file("contoso", ago(80), "graphicdesigninstitute", M365_USAGE, "onedrive")
        .poe(ago(80, 11), "onedrive-migration.png")
        .submit(ago(79))
        .review("reviewer1", ago(77))
        .approve("reviewer1", ago(76))
        .end(ago(4), EndReason.PARTNER_DISASSOCIATED, "Contract ended.")
    )
    _set_subscription_status("mp-bc", SubscriptionStatus.ACTIVE)
    munson = (
        s.file("contoso", ago(150), "munsonspickles", USAGE, "d365-business-central", "mp-bc")
        .poe(ago(150, 11))
        .submit(ago(149))
        .review("reviewer2", ago(147))
        .approve("reviewer2", ago(146))
    )
    _set_subscription_status("mp-bc", SubscriptionStatus.DISABLED)
    munson.end(ago(6, 3, 15), EndReason.SUBSCRIPTION_DISABLED)

    # Withdrawn: a draft, a submitted claim, one under review.
    s.file("contoso", ago(11), "margiestravel", M365_USAGE, "teams").withdraw(ago(10), "Duplicate of another draft.")
    (
        s.file("fabrikam", ago(17), "adventureworks", M365_USAGE, "intune")
        .poe(ago(17, 11))
        .submit(ago(16))
        .withdraw(ago(15), "The customer has not rolled Intune out yet.")
    )
    (
        s.file("litware", ago(13), "blueyonderairlines", USAGE, "d365-customer-service", "by-cs")
        .poe(ago(13, 10))
        .submit(ago(12))
        .review("reviewer2", ago(10))
        .withdraw(ago(9), "Wrong activity: we will file Presales instead.")
    )

    # Drafts, some incomplete; one waits for the customer to provision Finance.
    s.file("contoso", ago(2), "blueyonderairlines", PRESALES, "d365-field-service", "by-fs", description="")
    (
        s.file("contoso", ago(3), "woodgrovebank", PRESALES, "d365-finance", "wg-finance")
        .poe(ago(3, 11), "finance-poc-summary.pdf")
        .comment(ago(3, 12), "Waiting for Woodgrove to provision Finance before we submit.")
    )
    s.file("fabrikam", ago(1), "humongousinsurance", M365_USAGE, "teams")
    s.file("litware", ago(0, 8), customer_tenant_id=str(tenant_uuid("tailspintoys")), solution_area=BA)

    # Submitted, waiting for review to start: one overdue, one the lead assigned, one filed with
    # an MPN not enrolled in an incentive program (a warning, not an error), one a reclaim of a
    # renewed subscription.
    (
        s.file("contoso", ago(2), "relecloud", PRESALES, "d365-sales", "rc-sales")
        .poe(ago(2, 11))
        .poe(ago(2, 11, 5), "workshop-photos.png")
        .submit(ago(1, 9))
        .assign("lead", "reviewer2", ago(1, 14))
    )
    s.file("litware", ago(8), "adatum", M365_USAGE, "exchange-online").poe(ago(8, 11), "mail-migration.pdf").submit(
        ago(7)
    )
    (
        s.file("fabrikam", ago(5), "cohowinery", USAGE, "d365-supply-chain", "cw-scm", reclaimed_from=coho.claim)
        .poe(ago(5, 11))
        .submit(ago(4))
    )
    (
        s.file("contoso", ago(3), "lucernepublishing", M365_USAGE, "teams", mpn="4649121")
        .poe(ago(3, 14), "teams-rollout.png")
        .submit(ago(3, 15))
    )
    (
        s.file("contoso", ago(4), "fourthcoffee", USAGE, "d365-sales", "fc-sales", mpn="603548712")
        .poe(ago(4, 11))
        .submit(ago(3, 9))
    )

    # Under review: one on time, one overdue, one a lead reverted, one answered after a request.
    (
        s.file("contoso", ago(6), "relecloud", USAGE, "d365-finance", "rc-finance")
        .poe(ago(6, 11))
        .submit(ago(5))
        .review("reviewer1", ago(2))
        .comment(ago(2, 11), "PoE looks fine; checking the dates against the order.", by="reviewer1", internal=True)
    )
    (
        s.file("fabrikam", ago(17), "blueyonderairlines", USAGE, "d365-field-service", "by-fs")
        .poe(ago(17, 11), "field-service-usage.png")
        .submit(ago(15))
        .review("reviewer2", ago(8))
        .comment(ago(7), "Could you confirm the number of technicians using the mobile app?", by="reviewer2")
        .comment(ago(7, 15), "About 140 technicians, see page 2 of the report.")
    )
    (
        s.file("litware", ago(25), "treyresearch", PRESALES, "d365-sales", "tr-sales")
        .poe(ago(25, 11))
        .submit(ago(24))
        .review("reviewer1", ago(22))
        .approve("reviewer1", ago(21))
        .revert("lead", ago(2, 15), "Approved on a PoE dated after the purchase; needs a second look.")
    )
    (
        s.file("contoso", ago(12), "lamnahealthcare", USAGE, "d365-customer-service", "lh-cs")
        .poe(ago(12, 11))
        .submit(ago(11))
        .review("reviewer2", ago(9))
        .request_info(
            "reviewer2", ago(8), ["product_not_in_poe"], "The PoE covers Field Service; show the Customer Service work."
        )
        .poe(ago(4, 10), "customer-service-go-live.pdf")
        .resubmit(ago(4, 11), "Added the Customer Service go-live report.")
    )

    # Partner action required: fresh, nearly due, and on a presales claim.
    (
        s.file("contoso", ago(7), "vanarsdel", M365_USAGE, "teams")
        .poe(ago(7, 11), "teams-usage.png")
        .submit(ago(6))
        .review("reviewer1", ago(3))
        .request_info(
            "reviewer1", ago(1), ["poe_missing", "dates"], "The usage report image is unreadable; upload a dated PDF."
        )
        .comment(ago(1, 13), "Asked VanArsdel's admin for a clearer export.", by="reviewer1", internal=True)
    )
    (
        s.file("fabrikam", ago(12), "wingtiptoys", M365_USAGE, "sharepoint-online")
        .poe(ago(12, 11))
        .submit(ago(11))
        .review("reviewer2", ago(7))
        .request_info(
            "reviewer2",
            ago(4),
            ["no_customer_ack"],
            "Please add Wingtip Toys' acknowledgement of your SharePoint work.",
        )
    )
    (
        s.file("litware", ago(10), "consolidatedmessenger", PRESALES, "d365-sales", "cm-sales")
        .poe(ago(10, 11))
        .submit(ago(9))
        .review("reviewer1", ago(6))
        .request_info(
            "reviewer1", ago(2), ["product_not_in_poe", "work_not_described"], "Which Sales modules did you cover?"
        )
    )

    # Arbitration, open: Fabrikam challenges Contoso's approved Tailwind Traders presales with
    # the same acknowledgement file (flagged to reviewers); Contoso adds PoE to defend it.
    challenger = (
        s.file("fabrikam", ago(3), "tailwindtraders", PRESALES, "d365-sales", "tw-sales")
        .poe(ago(3, 11), "tailwind-ack.pdf", demo_pdf("Tailwind Traders - Contoso presales acknowledgement"))
        .poe(ago(3, 11, 10), "proposal.pdf")
        .submit(ago(2, 9))
    )
    tailwind.poe(ago(1, 10), "discovery-workshop-minutes.pdf")
    challenger.comment(
        ago(1, 11), "Same acknowledgement file as the incumbent's; ask both for dates.", by="lead", internal=True
    )

    # Arbitration, decided: Litware and Fabrikam both claimed City Power & Light presales.
    winner = (
        s.file("litware", ago(16), "citypowerlight", PRESALES, "d365-field-service", "cp-fs")
        .poe(ago(16, 11))
        .submit(ago(15))
        .review("reviewer1", ago(12))
    )
    loser = (
        s.file("fabrikam", ago(15), "citypowerlight", PRESALES, "d365-field-service", "cp-fs")
        .poe(ago(15, 11))
        .submit(ago(14))
        .review("reviewer1", ago(12, 11))
    )
    case = ArbitrationCase.objects.get(claims=loser.claim, status=CaseStatus.OPEN)
    with _clock(ago(10)):
        arbitration_award(
            case=case,
            user=s.users["reviewer1"],
            winner=winner.claim,
            reason="Litware's workshop minutes predate the purchase and are signed by the customer.",
        )


def _story_present() -> bool:
    return AuditEvent.objects.filter(
        action="claims.claim.created", actor__username__in=PARTNER_WRITERS.values()
    ).exists()


def seed_demo(*, password: str = DEFAULT_PASSWORD, log=print) -> bool:
    """Create what is missing of the demo; returns whether the claim stories were created now."""
    with transaction.atomic():
        _seed_reference_data()
        _seed_users(password)
        if _story_present():
            log("Demo claims already present; reference data and users checked, passwords set.")
            return False
        mark = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
        _tell_stories(_Story())
        # The stories are history: mail about them would only flood the demo inboxes.
        Notification.objects.filter(pk__gt=mark, email_state=EmailState.PENDING).update(email_state=EmailState.SKIPPED)
    log(f"Demo data created: {Claim.objects.count()} claims.")
    return True


# --- bulk claims --------------------------------------------------------------------------------

EXTRA_PARTNERS = 200
EXTRA_TENANTS = 2000
_COMPANY_SUFFIXES = ("AB", "Oy", "AS", "A/S", "Ltd", "GmbH", "BV", "ApS")
_TENANT_WORDS_A = (
    "Nordic", "Baltic", "Arctic", "Coastal", "Granite", "Silver", "Evergreen", "Harbor", "Summit", "Pioneer",
    "Northern", "Meridian", "Crescent", "Aurora", "Fjord", "Lakeside", "Cedar", "Falcon", "Juniper", "Atlas",
    "Beacon", "Copper", "Delta", "Emerald", "Frontier", "Glacier", "Highland", "Iron", "Keystone", "Lighthouse",
    "Maple", "Northstar", "Oak", "Polar", "Quarry", "River", "Stone", "Timber", "Valley", "Westwind",
)  # fmt: skip
_TENANT_WORDS_B = (
    "Logistics", "Foods", "Engineering", "Retail", "Health", "Energy", "Textiles", "Media", "Analytics", "Marine",
    "Construction", "Pharma", "Dairy", "Motors", "Insurance", "Telecom", "Furniture", "Brewing", "Aviation", "Labs",
    "Consulting", "Bakery", "Outfitters", "Robotics", "Water", "Paper", "Steel", "Travel", "Security", "Studios",
    "Farms", "Freight", "Clinics", "Packaging", "Hotels", "Optics", "Seafood", "Tools", "Games", "Solar",
    "Housing", "Printing", "Chemicals", "Fitness", "Publishing", "Transit", "Vision", "Wines", "Textures", "Mining",
)  # fmt: skip
_FIRST = ("Anna", "Lars", "Eva", "Mats", "Sara", "Jukka", "Nora", "Ole", "Lea", "Emil", "Ines", "Tom", "Lina", "Ali")
_LAST = ("Berg", "Nieminen", "Hansen", "Lund", "Virtanen", "Dahl", "Strand", "Koski", "Holm", "Wik", "Ek", "Moe")
_TITLES = ("CIO", "IT Director", "CFO", "Head of Sales", "Service Manager", "IT Manager", "Operations Director")

# (status, weight): most claims are decided; the queue statuses are ~14% and drafts few.
_STATUS_WEIGHTS = (
    (Status.APPROVED, 36),
    (Status.REJECTED, 22),
    (Status.ENDED, 16),
    (Status.WITHDRAWN, 8),
    (Status.EDITING, 4),
    (Status.SUBMITTED, 4),
    (Status.UNDER_REVIEW, 5),
    (Status.ACTION_REQUIRED, 3),
    (Status.DISPUTED, 2),
)
# (solution area, activity, weight)
_KIND_WEIGHTS = ((BA, P, 25), (BA, U, 20), (BA, RA, 15), (M365, U, 40))
_REJECTIONS = (
    (RejectionReason.INSUFFICIENT_POE, 40),
    (RejectionReason.CUSTOMER_DECLINED, 15),
    (RejectionReason.NO_PARTNER_RESPONSE, 20),
    (RejectionReason.PARTNER_REQUEST_WRONG_MPN, 8),
    (RejectionReason.PARTNER_REQUEST_WRONG_ACTIVITY, 7),
    (RejectionReason.PARTNER_REQUEST_NOT_WORKING, 5),
    (RejectionReason.COMPETING_CLAIM_AWARDED, 5),
)
_ENDS = (
    (EndReason.SUBSCRIPTION_EXPIRED, 50),
    (EndReason.PARTNER_DISASSOCIATED, 30),
    (EndReason.SUBSCRIPTION_DISABLED, 10),
    (EndReason.DISPLACED_BY_COMPETING_CLAIM, 10),
)
# Share of generated claims for the three demo partners; the rest spread over the extra partners.
_BIG_PARTNER_SHARES = {"contoso": 0.20, "fabrikam": 0.14, "litware": 0.03}

CLAIM_COLUMNS = (
    "id", "partner_id", "mpn_id", "created_by_id", "status", "customer_tenant_id", "customer_domain", "tenant_id",
    "solution_area", "activity", "subscription_ref", "subscription_id", "customer_contact_name",
    "customer_contact_title", "customer_contact_email", "partner_contact_name", "partner_contact_email",
    "description", "association_key", "is_competing", "assignee_id", "due_at", "due_kind", "paused_days",
    "submitted_at", "review_started_at", "decided_at", "dispute_until", "ended_at", "decision_reason",
    "decision_message", "end_reason", "end_message", "reclaimed_from_id", "version", "created_at", "updated_at",
)  # fmt: skip


def _ensure_extra_partners() -> None:
    names = [
        f"Partner {i:04d} {_COMPANY_SUFFIXES[(i - 1) % len(_COMPANY_SUFFIXES)]}" for i in range(1, EXTRA_PARTNERS + 1)
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
        a = _TENANT_WORDS_A[i % len(_TENANT_WORDS_A)]
        b = _TENANT_WORDS_B[(i // len(_TENANT_WORDS_A)) % len(_TENANT_WORDS_B)]
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


@dataclass
class _Pool:
    """What generated claims point at, loaded once."""

    partners: list  # (partner pk, [mpn pks], creator pk, contact name, contact e-mail)
    partner_weights: list
    tenants: list  # (tenant pk, tenant id text, domain)
    products: dict  # area → [(pk, code, name)]
    reviewers: list


def _load_pool() -> _Pool:
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
            weights.append(_BIG_PARTNER_SHARES[big[partner.name]])
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
        (pk, str(tid), domains[pk])
        for pk, tid in CustomerTenant.objects.values_list("pk", "tenant_id")
        if pk in domains
    ]
    products = {BA.value: [], M365.value: []}
    for pk, code, name in Product.objects.filter(code__in=BA_PRODUCTS + M365_WORKLOADS).values_list(
        "pk", "code", "name"
    ):
        products[BA.value if code in BA_PRODUCTS else M365.value].append((pk, code, name))
    reviewers = list(User.objects.filter(username__in=["reviewer1", "reviewer2", "lead"]).values_list("pk", flat=True))
    return _Pool(partners, weights, tenants, products, reviewers)


class _Calendar:
    """Business-day dates around today, so generated deadlines fall on business days."""

    def __init__(self, now: dt.datetime):
        zone = timezone.get_current_timezone()
        today = timezone.localdate(now)
        self.days = {}
        for offset in range(-40, 11):
            day = today
            if offset < 0:
                day = _business_day_before(today, -offset)
            elif offset > 0:
                day = business_days_after(dt.datetime.combine(today, dt.time(12), tzinfo=zone), offset).date()
            self.days[offset] = dt.datetime.combine(day, dt.time(0), tzinfo=zone)

    def at(self, offset: int, seconds: int) -> dt.datetime:
        return self.days[offset] + dt.timedelta(seconds=seconds)


_QUEUE = frozenset(s.value for s in (Status.SUBMITTED, Status.UNDER_REVIEW, Status.ACTION_REQUIRED, Status.DISPUTED))
_WORK_HOURS = (8 * 3600, 17 * 3600)


def _queue_timeline(status: str, cal: _Calendar, rng: Random, reviewers: list, now: dt.datetime):
    """A claim awaiting a decision: its deadline falls within ten business days either side of
    today, and its earlier steps follow from it. Returns the timeline fields."""
    day = dt.timedelta(days=1)
    offset = rng.randrange(-10, 11)
    due_at = cal.at(offset, rng.randrange(*_WORK_HOURS))
    started = decided = dispute_until = paused = assignee = None
    reason = ""
    if status == Status.SUBMITTED:
        kind, version = DueKind.REVIEW_START.value, 3
        submitted = cal.at(offset - 5, rng.randrange(*_WORK_HOURS))
        assignee = rng.choice(reviewers) if rng.random() < 0.2 else None
    elif status == Status.UNDER_REVIEW:
        kind, version = DueKind.DECISION.value, 4
        started = cal.at(offset - 5, rng.randrange(*_WORK_HOURS))
        submitted = started - rng.randrange(1, 6) * day
        assignee = rng.choice(reviewers)
    elif status == Status.ACTION_REQUIRED:
        kind, version, paused = DueKind.PARTNER_RESPONSE.value, 5, rng.randrange(1, 6)
        started = cal.at(offset - 5, 0) - rng.randrange(1, 5) * day
        submitted = started - rng.randrange(1, 6) * day
        assignee = rng.choice(reviewers)
    else:
        kind, version, reason = DueKind.DECISION.value, 6, RejectionReason.INSUFFICIENT_POE.value
        decided = cal.at(offset - 5, 0) - rng.randrange(1, 20) * day
        started = decided - rng.randrange(1, 5) * day
        submitted = started - rng.randrange(1, 6) * day
        dispute_until = decided + 30 * day
        assignee = rng.choice(reviewers)
    created = submitted - rng.random() * 3 * day
    updated = max(t for t in (submitted, started, decided) if t is not None)
    if updated > now:
        # The service clocks run five business days, so a deadline further out than that
        # would put the last step in the future: keep the deadline, move the history back.
        shift = updated - (now - rng.random() * 8 * dt.timedelta(hours=1))
        created, submitted, updated = created - shift, submitted - shift, updated - shift
        started = started - shift if started else None
        decided = decided - shift if decided else None
        dispute_until = dispute_until - shift if dispute_until else None
    return (
        created,
        submitted,
        started,
        decided,
        due_at,
        kind,
        paused,
        dispute_until,
        reason,
        assignee,
        version,
        updated,
    )


def _subscription_guid(created: dt.datetime, rng: Random) -> str:
    """A version-7 GUID (time-ordered), so generated keys arrive in index order: inserting 1M
    random keys would spread writes over the whole key indexes."""
    millis = int(created.timestamp() * 1000)
    value = (millis << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    return str(uuid.UUID(int=value))


def _generate(count: int, first_id: int, pool: _Pool, rng: Random, now: dt.datetime):
    """Yield ``(row, product pks)`` for ``count`` claims, oldest first with ids in that order (as
    a real table grows, and so each index takes its inserts in few places); ``row`` follows
    CLAIM_COLUMNS."""
    cal = _Calendar(now)
    # Plain strings, not enum members: they go to the database driver row by row.
    status_values = [s.value for s, _ in _STATUS_WEIGHTS]
    statuses = rng.choices(status_values, [w for _, w in _STATUS_WEIGHTS], k=count)
    statuses[: len(status_values)] = status_values[:count]  # every status at least once, however small the run
    kinds = rng.choices([(a.value, b.value) for a, b, _ in _KIND_WEIGHTS], [w for *_, w in _KIND_WEIGHTS], k=count)
    partner_picks = rng.choices(range(len(pool.partners)), pool.partner_weights, k=count)
    rejections = ([r.value for r, _ in _REJECTIONS], [w for _, w in _REJECTIONS])
    ends = ([r.value for r, _ in _ENDS], [w for _, w in _ENDS])
    day, hour = dt.timedelta(days=1), dt.timedelta(hours=1)
    rand, randrange, choice = rng.random, rng.randrange, rng.choice
    reviewers = pool.reviewers

    # First when each claim was created (claims in the queue are recent, decided ones up to two
    # years old, drafts from the last two months), then the rows in that order.
    created_at, queue = [], {}
    for i, status in enumerate(statuses):
        if status in _QUEUE:
            queue[i] = _queue_timeline(status, cal, rng, reviewers, now)
            created_at.append(queue[i][0])
        elif status == Status.EDITING:
            created_at.append(now - rand() * 60 * day)
        else:
            created_at.append(now - dt.timedelta(seconds=randrange(20 * 86400, 730 * 86400)))

    for n, i in enumerate(sorted(range(count), key=created_at.__getitem__)):
        claim_id = first_id + n
        status, created = statuses[i], created_at[i]
        area, activity = kinds[i]
        partner_pk, mpns, creator, contact_name, contact_email = pool.partners[partner_picks[i]]
        tenant_pk, tenant_text, domain = choice(pool.tenants)
        product_pk, product_code, product_name = choice(pool.products[area])
        product_pks = (product_pk,)
        sub_ref = _subscription_guid(created, rng) if area == BA else ""
        if activity != RA and area == BA:
            key = f"sub:{sub_ref}:{activity}"
            if rand() < 0.1:
                second = choice(pool.products[area])[0]
                if second != product_pk:
                    product_pks = (product_pk, second)
        else:
            # Generated claims never compete: the suffix keeps each tenant key its own.
            key = f"tenant:{tenant_text}:{product_code}:{activity}#{claim_id}"
        submitted = started = decided = due_at = paused = dispute_until = ended = assignee = None
        due_kind = decision_reason = end_reason = ""
        version = 1
        if status in _QUEUE:
            (_, submitted, started, decided, due_at, due_kind, paused, dispute_until, decision_reason, assignee,
             version, updated) = queue[i]  # fmt: skip
        elif status == Status.EDITING or (status == Status.WITHDRAWN and rand() < 0.4):
            key = ""  # a draft, or withdrawn while still a draft
            updated = created + rand() * hour
            if status == Status.WITHDRAWN:
                updated += rand() * 5 * day
                version = 2
            updated = min(updated, now)
        else:
            submitted = created + rand() * 3 * day
            updated, version = submitted + rand() * 10 * day, 3
            if status != Status.WITHDRAWN:
                started = submitted + (0.5 + rand() * 6) * day
                decided = started + (0.2 + rand() * 7) * day
                assignee = choice(reviewers)
                updated, version = decided, 4
                if status == Status.REJECTED:
                    decision_reason = rng.choices(*rejections)[0]
                    dispute_until = decided + 30 * day
                elif status == Status.ENDED:
                    ended = decided + rand() * (now - decided)
                    end_reason = rng.choices(*ends)[0]
                    updated, version = ended, 5
        first, last = choice(_FIRST), choice(_LAST)
        yield (
            (
                claim_id,
                partner_pk,
                mpns[n % len(mpns)],
                creator,
                status,
                tenant_text,
                domain,
                tenant_pk if key else None,  # resolved at submission
                area,
                activity,
                sub_ref,
                None,
                f"{first} {last}",
                _TITLES[n % len(_TITLES)],
                f"{first}.{last}@{domain}".lower(),
                contact_name,
                contact_email,
                _description(area, activity, product_name),
                key,
                False,
                assignee,
                due_at,
                due_kind,
                paused,
                submitted,
                started,
                decided,
                dispute_until,
                ended,
                decision_reason,
                "",
                end_reason,
                "",
                None,
                version,
                created,
                updated,
            ),
            product_pks,
        )


def _bulk_history(*, after_id: int) -> None:
    """The audit events of the generated claims (ids above ``after_id``), set-based: submitted,
    review started, the decision (by the claim's reviewer), ended and withdrawn, each at the
    time the claim's row records. The dashboard's decision charts and every claim's history
    then read as they would after real use. A claim waiting on the partner or disputed keeps
    only the steps its row has times for."""
    from audit.models import AuditEvent

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


def _copy_claims(count: int, pool: _Pool, rng: Random, now: dt.datetime, rebuild: bool | None, after_id: int) -> None:
    """PostgreSQL: stream the rows with COPY, then write their history. The ids are one block
    reserved from the table's sequence, so the products rows can point at them. In a large
    load the audit table's indexes are rebuilt too: its three million new events (at
    1,000,000 claims) took 53 s with the indexes kept up row by row."""
    from audit.models import AuditEvent

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
                for row, products in _generate(count, first_id, pool, rng, now):
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


def _insert_claims(count: int, pool: _Pool, rng: Random, now: dt.datetime, batch: int = 2000) -> None:
    """Other databases (SQLite): bulk_create in batches, ids assigned after the current maximum."""
    through = Claim.products.through
    first_id = (Claim.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    claims, links = [], []
    for row, products in _generate(count, first_id, pool, rng, now):
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
        pool = _load_pool()
        before = Claim.objects.aggregate(m=Max("pk"))["m"] or 0
        rng = Random(before)
        if connection.vendor == "postgresql":
            _copy_claims(count, pool, rng, now, rebuild_indexes, after_id=before)
        else:
            _insert_claims(count, pool, rng, now)
            _bulk_history(after_id=before)
        claims_changed()  # COPY passes by the ORM: cached queue pages go
    return BulkResult(claims=count, seconds=time.perf_counter() - started)
