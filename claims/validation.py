"""The submission rules (docs/lifecycle.md, "Validation at submission"), each with a stable
error code.

``validate_claim`` runs every rule against the directory and returns the issues (errors and
warnings) plus what the input resolved to (tenant, subscription, association key). The same
per-field checks back the live HTMX checks of the claim form (``check_tenant``,
``check_subscription``). Messages name the field, say what is wrong and what to do next;
they are lazy, so they render in the reader's language.
"""

import uuid
from dataclasses import dataclass, field

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from claims.keys import association_key
from claims.models import ACTIVITIES_BY_AREA, INCENTIVE_ACTIVITIES, Activity, Claim
from claims.references import claim_reference
from claims.states import ACTIVE_STATUSES
from directory.lookup import Directory, SubscriptionInfo, get_directory
from directory.models import CLAIMABLE_SUBSCRIPTION_STATUSES, Channel, SolutionArea, SubscriptionStatus

CHECK_WITH_CUSTOMER = _("Check the details with your customer. If that does not resolve it, contact support.")

# code: (field, message). The message is complete: what is wrong, and what to do next.
MESSAGES = {
    "required": (None, _("%(label)s is required before you can submit the claim.")),
    "poe_required": ("poe", _("Proof of execution: upload at least one PoE file before you submit.")),
    "tenant_id_not_guid": (
        "customer_tenant_id",
        _(
            "Customer tenant ID: “%(value)s” is not a tenant ID. A tenant ID is a GUID such as "
            "0f8fad5b-d9cb-469f-a165-70867728950e. Ask your customer for the tenant ID of their Microsoft 365 "
            "or Dynamics 365 tenant."
        ),
    ),
    "tenant_not_found": (
        "customer_tenant_id",
        _("Customer tenant ID: no customer tenant %(value)s is known. Check the tenant ID with your customer."),
    ),
    "domain_tenant_mismatch": (
        "customer_domain",
        _(
            "Customer domain: “%(value)s” does not belong to tenant %(tenant_id)s (domain–tenant mismatch). "
            "Contact your customer to make sure you have the right tenant ID and domain."
        ),
    ),
    "domain_not_found": (
        "customer_domain",
        _("Customer domain: no customer tenant has the domain “%(value)s”. Check the domain with your customer."),
    ),
    "activity_not_offered": (
        "activity",
        _("Activity: %(activity)s is not offered for %(area)s. Choose one of: %(allowed)s."),
    ),
    "mpn_not_own": (
        "mpn",
        _("MPN ID: this MPN does not belong to your company. Choose one of your company's MPN IDs."),
    ),
    "mpn_not_enrolled": (
        "mpn",
        _(
            "MPN ID: %(mpn)s is not enrolled in an incentive program, so this claim will earn no incentives. "
            "Choose an enrolled MPN, or enroll this one in the Incentives overview first. If you do not know "
            "which MPN to use, ask your global admin."
        ),
    ),
    "product_wrong_area": (
        "products",
        _("Products / workloads: %(product)s is not part of %(area)s. Choose products of the selected solution area."),
    ),
    "single_product_required": (
        "products",
        _(
            "Products / workloads: choose exactly one %(what)s for this activity. File one claim for each "
            "product or workload."
        ),
    ),
    "product_not_on_tenant": (
        "products",
        _("Products / workloads: %(product)s does not exist on the customer's tenant."),
    ),
    "product_not_on_subscription": (
        "products",
        _("Products / workloads: %(product)s is not part of subscription %(value)s."),
    ),
    "subscription_choose": (
        "subscription_ref",
        _(
            "Subscription ID: the customer has several eligible subscriptions for this product. Enter the "
            "subscription ID you worked on (ask your customer): %(choices)s."
        ),
    ),
    "subscription_id_invalid": (
        "subscription_ref",
        _(
            "Subscription ID: “%(value)s” is not a subscription ID. A subscription ID is a GUID; find it with "
            "your customer in the Microsoft 365 admin center under Billing › Your products."
        ),
    ),
    "subscription_id_is_tenant": (
        "subscription_ref",
        _(
            "Subscription ID: %(value)s is a tenant ID, not a subscription ID. Enter the ID of the Dynamics 365 "
            "subscription."
        ),
    ),
    "subscription_not_found": (
        "subscription_ref",
        _("Subscription ID: no subscription %(value)s is known."),
    ),
    "subscription_other_tenant": (
        "subscription_ref",
        _(
            "Subscription ID: subscription %(value)s belongs to another customer tenant, not to %(tenant_id)s. "
            "Make sure you use the right tenant ID and subscription."
        ),
    ),
    "subscription_not_dynamics": (
        "subscription_ref",
        _("Subscription ID: subscription %(value)s is not for Dynamics 365. Enter the Dynamics 365 subscription."),
    ),
    "subscription_is_csp": (
        "subscription_ref",
        _(
            "Subscription ID: subscription %(value)s was bought through CSP. Business Applications claims apply "
            "only to Volume Licensing or Web-Direct purchases."
        ),
    ),
    "subscription_not_provisioned": (
        "subscription_ref",
        _(
            "Subscription ID: the customer has not yet activated or provisioned the products of subscription "
            "%(value)s. This can take up to 7 days; save the claim as a draft and submit it once they appear."
        ),
    ),
    "subscription_not_active": (
        "subscription_ref",
        _(
            "Subscription ID: subscription %(value)s is %(status)s; only active or in-grace subscriptions can be "
            "claimed. If it was renewed, claim the new subscription."
        ),
    ),
    "already_claimed": (
        "subscription_ref",
        _(
            "Your company has already claimed this %(what)s for %(activity)s (claim %(claim)s). Open that claim "
            "instead of filing a new one."
        ),
    ),
}

# Codes whose advice ends with "check with your customer, then contact support".
DIRECTORY_CODES = {
    "tenant_not_found",
    "domain_not_found",
    "domain_tenant_mismatch",
    "product_not_on_tenant",
    "product_not_on_subscription",
    "subscription_not_found",
    "subscription_other_tenant",
    "subscription_not_dynamics",
    "subscription_is_csp",
    "subscription_not_provisioned",
    "subscription_not_active",
    "subscription_id_is_tenant",
}

REQUIRED_FIELDS = {
    "mpn": _("MPN ID"),
    "customer_tenant_id": _("Customer tenant ID"),
    "customer_domain": _("Customer domain"),
    "solution_area": _("Solution area"),
    "activity": _("Activity"),
    "products": _("Products / workloads"),
    "customer_contact_name": _("Customer contact name"),
    "customer_contact_email": _("Customer contact e-mail"),
    "partner_contact_name": _("Partner contact name"),
    "partner_contact_email": _("Partner contact e-mail"),
    "description": _("Description of the work"),
}


@dataclass(frozen=True)
class Issue:
    code: str
    field: str | None
    params: dict = field(default_factory=dict, hash=False, compare=False)
    warning: bool = False

    @property
    def message(self) -> str:
        template = MESSAGES[self.code][1]
        return str(template) % {k: str(v) for k, v in self.params.items()}

    @property
    def advice(self) -> str:
        return str(CHECK_WITH_CUSTOMER) if self.code in DIRECTORY_CODES else ""


# A label as a word inside a sentence (lower-case first letter), still in the reader's language.
_in_sentence = lazy(lambda label: str(label)[:1].lower() + str(label)[1:], str)


def _issue(code: str, *, field: str | None = None, warning: bool = False, **params) -> Issue:
    return Issue(code=code, field=field or MESSAGES[code][0], params=params, warning=warning)


@dataclass
class ClaimInput:
    """What the partner entered: from a bound form or from a saved claim."""

    mpn: object | None = None
    customer_tenant_id: str = ""
    customer_domain: str = ""
    solution_area: str = ""
    activity: str = ""
    products: list = field(default_factory=list)
    subscription_ref: str = ""
    customer_contact_name: str = ""
    customer_contact_title: str = ""
    customer_contact_email: str = ""
    partner_contact_name: str = ""
    partner_contact_email: str = ""
    description: str = ""
    poe_count: int = 0

    @classmethod
    def from_claim(cls, claim: Claim) -> "ClaimInput":
        return cls(
            mpn=claim.mpn,
            customer_tenant_id=claim.customer_tenant_id,
            customer_domain=claim.customer_domain,
            solution_area=claim.solution_area,
            activity=claim.activity,
            products=list(claim.products.all()),
            subscription_ref=claim.subscription_ref,
            customer_contact_name=claim.customer_contact_name,
            customer_contact_title=claim.customer_contact_title,
            customer_contact_email=claim.customer_contact_email,
            partner_contact_name=claim.partner_contact_name,
            partner_contact_email=claim.partner_contact_email,
            description=claim.description,
            poe_count=claim.poe_files.count() if claim.pk else 0,
        )


@dataclass
class Result:
    issues: list[Issue] = field(default_factory=list)
    tenant_pk: int | None = None
    subscription_pk: int | None = None
    key: str = ""
    competing: bool = False

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if not i.warning]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.warning]

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_guid(value: str) -> uuid.UUID | None:
    text = (value or "").strip().strip("{}")
    if len(text) != 36:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def check_tenant(tenant_text: str, domain: str, *, directory: Directory | None = None):
    """Tenant ID and domain checks. Returns (issues, TenantInfo or None)."""
    directory = directory or get_directory()
    tenant_text = (tenant_text or "").strip()
    if not tenant_text:
        return [], None
    tenant_uuid = parse_guid(tenant_text)
    if tenant_uuid is None:
        return [_issue("tenant_id_not_guid", value=tenant_text)], None
    tenant = directory.tenant(tenant_uuid)
    if tenant is None:
        return [_issue("tenant_not_found", value=tenant_uuid)], None
    domain = (domain or "").strip().lower()
    if domain and domain not in directory.tenant_domains(tenant_uuid):
        return [_issue("domain_tenant_mismatch", value=domain, tenant_id=tenant_uuid)], tenant
    return [], tenant


def _subscription_problem(sub: SubscriptionInfo, *, tenant_uuid, value: str) -> Issue | None:
    """The subscription checks on one subscription, most fundamental cause first."""
    if tenant_uuid is not None and sub.tenant_id != tenant_uuid:
        return _issue("subscription_other_tenant", value=value, tenant_id=tenant_uuid)
    if not sub.has_dynamics:
        return _issue("subscription_not_dynamics", value=value)
    if sub.channel == Channel.CSP:
        return _issue("subscription_is_csp", value=value)
    if sub.status not in CLAIMABLE_SUBSCRIPTION_STATUSES:
        return _issue("subscription_not_active", value=value, status=_in_sentence(SubscriptionStatus(sub.status).label))
    if not sub.provisioned:
        return _issue("subscription_not_provisioned", value=value)
    return None


def check_subscription(value: str, *, tenant_text: str = "", directory: Directory | None = None):
    """The subscription-ID checks on their own, for the live field check.
    Returns (issues, SubscriptionInfo or None)."""
    directory = directory or get_directory()
    value = (value or "").strip()
    if not value:
        return [], None
    sub_uuid = parse_guid(value)
    if sub_uuid is None:
        return [_issue("subscription_id_invalid", value=value)], None
    sub = directory.subscription(sub_uuid)
    if sub is None:
        if directory.tenant(sub_uuid) is not None:
            return [_issue("subscription_id_is_tenant", value=sub_uuid)], None
        return [_issue("subscription_not_found", value=sub_uuid)], None
    problem = _subscription_problem(sub, tenant_uuid=parse_guid(tenant_text), value=str(sub_uuid))
    return ([problem] if problem else []), sub


def _check_filing(data: ClaimInput, *, partner, issues: list) -> bool:
    """The required fields, the PoE, the MPN (the partner's own; a warning when it is not
    enrolled) and the activity offered for the solution area. Returns whether the solution
    area and activity fit together."""
    for name, label in REQUIRED_FIELDS.items():
        value = getattr(data, name)
        if value in (None, "", []) or (isinstance(value, str) and not value.strip()):
            issues.append(_issue("required", field=name, label=label))
    if data.poe_count < 1:
        issues.append(_issue("poe_required"))

    if data.mpn is not None:
        if data.mpn.partner_id != partner.pk:
            issues.append(_issue("mpn_not_own"))
        elif data.activity in INCENTIVE_ACTIVITIES and not data.mpn.incentive_enrolled:
            issues.append(_issue("mpn_not_enrolled", warning=True, mpn=data.mpn.number))

    area_ok = data.solution_area in ACTIVITIES_BY_AREA
    if area_ok and data.activity and data.activity not in ACTIVITIES_BY_AREA[data.solution_area]:
        allowed = ACTIVITIES_BY_AREA[data.solution_area]
        issues.append(
            _issue(
                "activity_not_offered",
                activity=Activity(data.activity).label,
                area=SolutionArea(data.solution_area).label,
                allowed=", ".join(str(a.label) for a in allowed),
            )
        )
        area_ok = False
    return area_ok


def _resolve_subscription(data: ClaimInput, products, tenant, tenant_subs, *, directory, issues: list):
    """The Business Applications subscription the claim covers: the one the partner entered
    (checked, and covering every product), else the tenant's only eligible one for the
    products. ``None`` with an issue when there is none, or several to choose from."""
    if data.subscription_ref.strip():
        sub_issues, subscription = check_subscription(
            data.subscription_ref, tenant_text=str(tenant.tenant_id), directory=directory
        )
        issues.extend(sub_issues)
        if subscription is not None and not sub_issues:
            for product in products:
                if product.code not in subscription.product_codes:
                    issues.append(
                        _issue("product_not_on_subscription", product=product.name, value=subscription.subscription_id)
                    )
        return subscription
    codes = {p.code for p in products}
    candidates = [s for s in tenant_subs if codes <= s.product_codes]
    eligible = [s for s in candidates if _subscription_problem(s, tenant_uuid=tenant.tenant_id, value="") is None]
    if len(eligible) == 1:
        return eligible[0]
    if len(eligible) > 1:
        choices = ", ".join(str(s.subscription_id) for s in eligible)
        issues.append(_issue("subscription_choose", choices=choices))
    elif candidates:
        sub = candidates[0]
        issues.append(_subscription_problem(sub, tenant_uuid=tenant.tenant_id, value=str(sub.subscription_id)))
    else:
        issues.append(_issue("product_not_on_tenant", product=", ".join(p.name for p in products)))
    return None


def _check_holders(result: Result, data: ClaimInput, *, partner, claim_id, by_subscription: bool) -> None:
    """Who else holds or pursues the key: the same partner is "already claimed" (an error),
    another partner makes the claim competing (it goes to arbitration)."""
    holders = (
        Claim.objects.filter(association_key=result.key, status__in=ACTIVE_STATUSES)
        .exclude(pk=claim_id)
        .values_list("pk", "partner_id")
    )
    is_bizapps = data.solution_area == SolutionArea.BUSINESS_APPLICATIONS
    for pk, partner_id in holders:
        if partner_id == partner.pk:
            what = _("subscription") if by_subscription else (_("workload") if not is_bizapps else _("product"))
            result.issues.append(
                _issue(
                    "already_claimed",
                    field="subscription_ref" if by_subscription else "products",
                    what=what,
                    activity=Activity(data.activity).label,
                    claim=claim_reference(pk),
                    claim_pk=pk,  # the form links the existing claim
                )
            )
            break
        result.competing = True


def _independent_checks(data: ClaimInput, tenant, tenant_issues, *, directory, issues: list) -> None:
    """When an earlier stage stopped the run, the checks that do not depend on it still run, so
    one submission reports every field that is wrong: the entered subscription ID on its own
    (its form, existence, product, channel, status; its tenant only once the tenant is known),
    and a domain that no customer tenant has when the tenant ID could not be used."""
    domain = (data.customer_domain or "").strip().lower()
    if tenant is None and domain and tenant_issues and not directory.domain_known(domain):
        issues.append(_issue("domain_not_found", value=domain))
    if data.solution_area == SolutionArea.BUSINESS_APPLICATIONS and (data.subscription_ref or "").strip():
        sub_issues, _sub = check_subscription(
            data.subscription_ref, tenant_text=data.customer_tenant_id if tenant else "", directory=directory
        )
        issues.extend(sub_issues)


def validate_claim(data: ClaimInput, *, partner, claim_id: int | None = None, directory: Directory | None = None):
    """Every submission rule (docs/lifecycle.md, "Validation at submission"). ``partner`` is
    the filing company; ``claim_id`` the claim being submitted (so it does not conflict with
    itself)."""
    directory = directory or get_directory()
    result = Result()
    issues = result.issues
    area_ok = _check_filing(data, partner=partner, issues=issues)

    tenant_issues, tenant = check_tenant(data.customer_tenant_id, data.customer_domain, directory=directory)
    issues.extend(tenant_issues)
    if tenant is not None:
        result.tenant_pk = tenant.pk

    products = list(data.products)
    for product in products:
        if area_ok and product.solution_area != data.solution_area:
            issues.append(
                _issue("product_wrong_area", product=product.name, area=SolutionArea(data.solution_area).label)
            )
            area_ok = False
    if result.errors or not area_ok or not products or tenant is None:
        _independent_checks(data, tenant, tenant_issues, directory=directory, issues=issues)
        return result

    is_bizapps = data.solution_area == SolutionArea.BUSINESS_APPLICATIONS
    by_subscription = is_bizapps and data.activity in (Activity.PRESALES, Activity.USAGE)
    if not by_subscription and len(products) != 1:
        what = _("workload") if not is_bizapps else _("product")
        issues.append(_issue("single_product_required", what=what))
        _independent_checks(data, tenant, tenant_issues, directory=directory, issues=issues)
        return result

    tenant_subs = directory.tenant_subscriptions(tenant.tenant_id)
    on_tenant = set().union(*(s.product_codes for s in tenant_subs)) if tenant_subs else set()
    for product in products:
        if product.code not in on_tenant:
            issues.append(_issue("product_not_on_tenant", product=product.name))
    if result.errors:
        _independent_checks(data, tenant, tenant_issues, directory=directory, issues=issues)
        return result

    subscription = None
    if is_bizapps:
        subscription = _resolve_subscription(data, products, tenant, tenant_subs, directory=directory, issues=issues)
        if result.errors:
            return result
        result.subscription_pk = subscription.pk

    result.key = association_key(
        solution_area=data.solution_area,
        activity=data.activity,
        tenant_id=tenant.tenant_id,
        product_code=products[0].code if len(products) == 1 else None,
        subscription_id=subscription.subscription_id if subscription else None,
    )
    _check_holders(result, data, partner=partner, claim_id=claim_id, by_subscription=by_subscription)
    return result
