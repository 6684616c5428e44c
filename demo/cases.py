"""The validation cases: one submission per rule that contoso.admin can replay with an enrolled
Contoso MPN, with its expected error code or ``ok`` (``manage.py seed_demo --cases``).

Computed from the reference specs alone: tenant and subscription IDs are deterministic
(``demo.reference.demo_uuid``), so printing the cases needs no database.
"""

from dataclasses import dataclass

from demo.reference import BA, M365, RA, P, U, demo_uuid, subscription_uuid, tenant_uuid


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
    """The cases as JSON-ready rows, every value a string (``seed_demo --cases --json``)."""
    return [{name: str(value) for name, value in case.__dict__.items()} for case in CASES]
