"""The demo's reference data: partners and their MPNs, users, the catalog, customer tenants and
their subscriptions, as specs, and the seeding of them; and the description a partner writes
of its work (``claim_description``).

Everything the demo names has a fixed identity (``uuid5`` over fixed names, fixed MPN numbers
and usernames), so a second run finds it and changes nothing, and the validation cases
(``demo.cases``) can name tenants and subscriptions without asking the database.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import REVIEW_LEADS_GROUP, REVIEWERS_GROUP
from claims.models import Activity
from directory.models import (
    Channel,
    CustomerTenant,
    Product,
    SolutionArea,
    Subscription,
    SubscriptionStatus,
    TenantDomain,
)
from partners.models import Membership, Mpn, Partner, PartnerType, Role

DEFAULT_PASSWORD = "cpor-demo"  # noqa: S105 - the documented demo password, overridden by DEMO_PASSWORD
NAMESPACE = uuid.UUID("6f1c3f0e-2b1a-5d7e-9c4b-0c5e1d7a3b21")

BA = SolutionArea.BUSINESS_APPLICATIONS
M365 = SolutionArea.MICROSOFT_365
VL, WEB, CSP = Channel.VOLUME_LICENSING, Channel.WEB_DIRECT, Channel.CSP
P, U, RA = Activity.PRESALES, Activity.USAGE, Activity.REVENUE_ASSOCIATION
# What a claim is for: (solution area, activity).
PRESALES, USAGE, REVENUE, M365_USAGE = (BA, P), (BA, U), (BA, RA), (M365, U)


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


def claim_description(area: str, activity: str, product: str) -> str:
    """What a partner writes about its work on ``product`` (the stories and the bulk loader)."""
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


# What a partner calls a claim after the work it stands for (Partner Center's claim name).
CLAIM_NAME_WORK = {
    (BA, P): ("proof of concept", "discovery workshops", "pilot", "presales workshop"),
    (BA, U): ("rollout", "go-live", "migration", "deployment"),
    (BA, RA): ("licensing advisory", "renewal planning", "business reviews"),
    (M365, U): ("adoption", "rollout", "champions programme", "migration"),
}


def claim_name(customer: str, area: str, activity: str, product: str, n: int = 0, year: int | None = None) -> str:
    """A claim's name as a partner writes it: the customer, the product and the work, and the
    fiscal year now and then ("Northwind Traders – Dynamics 365 Sales pilot FY26"); ``n`` picks
    the words, so the same claim gets the same name."""
    work = CLAIM_NAME_WORK.get((area, activity), ("project",))
    name = f"{customer or 'New customer'} – {product or 'Business Applications'} {work[n % len(work)]}"
    if year is not None and n % 3 == 0:
        name += f" FY{year % 100:02d}"
    return name[:120]


# --- seeding the reference data and users -------------------------------------------------------


def seed_reference_data() -> None:
    """The catalog, the customer tenants with their domains and subscriptions, the partners
    and their MPNs: whatever of it is missing."""
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


def seed_users(password: str) -> None:
    """The demo users, their groups and memberships; every user's password is set to
    ``password`` (also those that already exist)."""
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
