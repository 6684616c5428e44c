"""Every validation code of claims.validation, one test each: built from the valid fixtures and
the factories, checked by ``validate_claim``. The same codes through the claim form (where the
form can produce the situation) are in ``partner_portal/tests/test_view_validation.py``."""

import uuid

import pytest
from django.core.files.base import ContentFile

from claims.services import claim_submit, poe_attach
from claims.tests.factories import ClaimFactory, MpnFactory, ProductFactory, SubscriptionFactory, TenantFactory
from claims.tests.test_uploads import pdf_bytes
from claims.validation import ClaimInput, check_subscription, check_tenant, validate_claim
from directory.models import Channel, SolutionArea, SubscriptionStatus


def valid_input(contoso_mpn, subscription, dynamics_sales) -> dict:
    """A complete, valid Business Applications presales claim's input (also used by the claim
    form's tests in ``partner_portal``)."""
    return {
        "mpn": contoso_mpn,
        "customer_tenant_id": str(subscription.tenant.tenant_id),
        "customer_domain": subscription.tenant.domains.first().domain,
        "solution_area": SolutionArea.BUSINESS_APPLICATIONS,
        "activity": "presales",
        "products": [dynamics_sales],
        "subscription_ref": str(subscription.subscription_id),
        "customer_contact_name": "Ada Customer",
        "customer_contact_title": "CIO",
        "customer_contact_email": "ada@customer.example",
        "partner_contact_name": "Per Partner",
        "partner_contact_email": "per@partner.example",
        "description": "Ran the pilot.",
        "poe_count": 1,
    }


@pytest.fixture
def base(contoso_mpn, subscription, dynamics_sales):
    return valid_input(contoso_mpn, subscription, dynamics_sales)


def run(data, partner):
    return validate_claim(ClaimInput(**data), partner=partner)


def codes(result):
    return {(i.code, i.field) for i in result.issues}


def test_valid_input_has_no_issue(base, contoso):
    result = run(base, contoso)
    assert result.ok
    assert result.issues == []
    assert result.key.startswith("sub:")


def test_required(base, contoso):
    base["customer_contact_name"] = ""
    base["products"] = []
    result = run(base, contoso)
    assert ("required", "customer_contact_name") in codes(result)
    assert ("required", "products") in codes(result)
    assert "Customer contact name" in next(i.message for i in result.issues if i.field == "customer_contact_name")


def test_poe_required(base, contoso):
    base["poe_count"] = 0
    assert ("poe_required", "poe") in codes(run(base, contoso))


def test_tenant_id_not_guid(base, contoso):
    base["customer_tenant_id"] = base["customer_tenant_id"][:-4]
    assert ("tenant_id_not_guid", "customer_tenant_id") in codes(run(base, contoso))


def test_tenant_not_found(base, contoso):
    base["customer_tenant_id"] = str(uuid.uuid4())
    assert ("tenant_not_found", "customer_tenant_id") in codes(run(base, contoso))


def test_domain_tenant_mismatch(base, contoso):
    other = TenantFactory(domain="elsewhere.example")
    assert other.pk
    base["customer_domain"] = "elsewhere.example"
    result = run(base, contoso)
    assert ("domain_tenant_mismatch", "customer_domain") in codes(result)
    issue = next(i for i in result.issues if i.code == "domain_tenant_mismatch")
    assert "contact support" in issue.advice


def test_activity_not_offered(base, contoso):
    base["solution_area"] = SolutionArea.MICROSOFT_365
    assert ("activity_not_offered", "activity") in codes(run(base, contoso))


def test_mpn_not_own(base, contoso, fabrikam_mpn):
    base["mpn"] = fabrikam_mpn
    assert ("mpn_not_own", "mpn") in codes(run(base, contoso))


def test_mpn_not_enrolled_is_a_warning(base, contoso):
    base["mpn"] = MpnFactory(partner=contoso, incentive_enrolled=False)
    result = run(base, contoso)
    assert result.ok
    assert [(w.code, w.field) for w in result.warnings] == [("mpn_not_enrolled", "mpn")]


def test_mpn_not_enrolled_no_warning_for_revenue_association(contoso, contoso_mpn, subscription, dynamics_sales):
    data = {
        "mpn": MpnFactory(partner=contoso, incentive_enrolled=False),
        "customer_tenant_id": str(subscription.tenant.tenant_id),
        "solution_area": SolutionArea.BUSINESS_APPLICATIONS,
        "activity": "revenue_association",
        "products": [dynamics_sales],
    }
    assert not run(data, contoso).warnings


def test_product_wrong_area(base, contoso):
    base["products"] = [ProductFactory(code="teams", solution_area=SolutionArea.MICROSOFT_365, is_dynamics=False)]
    assert ("product_wrong_area", "products") in codes(run(base, contoso))


def test_single_product_required(base, contoso, dynamics_sales, subscription):
    field_service = ProductFactory(code="d365-field-service")
    subscription.products.add(field_service)
    base["activity"] = "revenue_association"
    base["products"] = [dynamics_sales, field_service]
    assert ("single_product_required", "products") in codes(run(base, contoso))


def test_product_not_on_tenant(base, contoso):
    base["products"] = [ProductFactory(code="d365-finance")]
    assert ("product_not_on_tenant", "products") in codes(run(base, contoso))


def test_product_not_on_subscription(base, contoso, subscription, dynamics_sales):
    field_service = ProductFactory(code="d365-field-service")
    SubscriptionFactory(tenant=subscription.tenant, products=[field_service])
    base["products"] = [dynamics_sales, field_service]
    assert ("product_not_on_subscription", "products") in codes(run(base, contoso))


def test_subscription_choose(base, contoso, subscription, dynamics_sales):
    SubscriptionFactory(tenant=subscription.tenant, products=[dynamics_sales])
    base["subscription_ref"] = ""
    assert ("subscription_choose", "subscription_ref") in codes(run(base, contoso))


def test_subscription_resolved_when_only_one_is_eligible(base, contoso, subscription):
    base["subscription_ref"] = ""
    result = run(base, contoso)
    assert result.ok
    assert result.subscription_pk == subscription.pk


def test_subscription_id_invalid(base, contoso):
    base["subscription_ref"] = "ORDER-12345"
    assert ("subscription_id_invalid", "subscription_ref") in codes(run(base, contoso))


def test_subscription_id_is_tenant(base, contoso):
    base["subscription_ref"] = base["customer_tenant_id"]
    assert ("subscription_id_is_tenant", "subscription_ref") in codes(run(base, contoso))


def test_subscription_not_found(base, contoso):
    base["subscription_ref"] = str(uuid.uuid4())
    assert ("subscription_not_found", "subscription_ref") in codes(run(base, contoso))


def test_subscription_other_tenant(base, contoso, dynamics_sales):
    other = SubscriptionFactory(products=[dynamics_sales])
    base["subscription_ref"] = str(other.subscription_id)
    assert ("subscription_other_tenant", "subscription_ref") in codes(run(base, contoso))


def test_subscription_not_dynamics(base, contoso, subscription, dynamics_sales):
    e3 = ProductFactory(code="m365-e3", solution_area=SolutionArea.MICROSOFT_365, is_dynamics=False)
    office = SubscriptionFactory(tenant=subscription.tenant, products=[e3])
    base["subscription_ref"] = str(office.subscription_id)
    assert ("subscription_not_dynamics", "subscription_ref") in codes(run(base, contoso))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"channel": Channel.CSP}, "subscription_is_csp"),
        ({"provisioned": False}, "subscription_not_provisioned"),
        ({"status": SubscriptionStatus.EXPIRED}, "subscription_not_active"),
        ({"status": SubscriptionStatus.DISABLED}, "subscription_not_active"),
    ],
)
def test_subscription_state(base, contoso, subscription, change, code):
    for name, value in change.items():
        setattr(subscription, name, value)
    subscription.save()
    assert (code, "subscription_ref") in codes(run(base, contoso))


def test_in_grace_subscription_is_claimable(base, contoso, subscription):
    subscription.status = SubscriptionStatus.IN_GRACE
    subscription.save()
    assert run(base, contoso).ok


def test_already_claimed(base, contoso, contoso_admin, draft):
    claim_submit(claim=draft, user=contoso_admin)
    result = run(base, contoso)
    assert ("already_claimed", "subscription_ref") in codes(result)
    assert draft.reference in next(i.message for i in result.issues if i.code == "already_claimed")


def test_already_claimed_on_products_for_tenant_keys(contoso, contoso_admin, contoso_mpn, subscription, dynamics_sales):
    claim = ClaimFactory(
        mpn=contoso_mpn,
        created_by=contoso_admin,
        sub=subscription,
        products=[dynamics_sales],
        activity="revenue_association",
    )
    poe_attach(
        claim=claim, user=contoso_admin, name="a.pdf", file=ContentFile(pdf_bytes()), content_type="application/pdf"
    )
    claim_submit(claim=claim, user=contoso_admin)
    data = ClaimInput.from_claim(claim)
    result = validate_claim(data, partner=contoso)
    assert ("already_claimed", "products") in codes(result)


def test_another_partners_claim_is_competing_not_an_error(base, contoso, draft, contoso_admin, fabrikam, fabrikam_mpn):
    claim_submit(claim=draft, user=contoso_admin)
    base["mpn"] = fabrikam_mpn
    result = run(base, fabrikam)
    assert result.ok
    assert result.competing


def test_live_checks_use_the_same_rules(subscription):
    assert check_tenant("nope", "")[0][0].code == "tenant_id_not_guid"
    issues, tenant = check_tenant(str(subscription.tenant.tenant_id), "unknown.example")
    assert [i.code for i in issues] == ["domain_tenant_mismatch"]
    assert tenant is not None
    assert check_subscription("123")[0][0].code == "subscription_id_invalid"
    assert check_subscription(str(subscription.subscription_id))[0] == []
