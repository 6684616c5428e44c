"""Every validation code of claims.validation through the claim form, where the form can
produce the situation: the issue must land on its field, nothing is saved (no draft is left
behind), the accepted PoE is kept for the form and everything typed is on the page. The rules themselves are tested in
``claims/tests/test_validation.py``."""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from claims.models import Claim
from claims.services import claim_submit, poe_attach
from claims.states import Status
from claims.tests.factories import ClaimFactory, MpnFactory, ProductFactory, SubscriptionFactory, TenantFactory
from claims.tests.test_uploads import pdf_bytes, upload
from claims.tests.test_validation import valid_input
from claims.validation import DIRECTORY_CODES
from directory.models import Channel, SolutionArea, SubscriptionStatus
from tests.helpers import login


@pytest.fixture
def base(contoso_mpn, subscription, dynamics_sales):
    """A complete, valid Business Applications presales claim's input."""
    return valid_input(contoso_mpn, subscription, dynamics_sales)


def _post_data(base, **changes):
    data = {"name": "Validation pilot", **{k: v for k, v in base.items() if k != "poe_count"}}
    data.update(changes)
    data["mpn"] = data["mpn"].pk
    data["products"] = [p.pk for p in data["products"]]
    data["action"] = "submit"
    data["poe"] = [upload("proof.pdf", pdf_bytes(), "application/pdf")]
    return data


def _scenario(name, base, subscription, dynamics_sales, contoso, contoso_admin):
    """Changes to the valid input that produce the issue ``name`` (with any directory set-up)."""
    if name == "tenant_id_not_guid":
        return {"customer_tenant_id": base["customer_tenant_id"][:-4]}
    if name == "tenant_not_found":
        return {"customer_tenant_id": str(uuid.uuid4())}
    if name == "domain_tenant_mismatch":
        TenantFactory(domain="elsewhere.example")
        return {"customer_domain": "elsewhere.example"}
    if name == "activity_not_offered":
        teams = ProductFactory(code="teams", solution_area=SolutionArea.MICROSOFT_365, is_dynamics=False)
        return {"solution_area": SolutionArea.MICROSOFT_365, "activity": "presales", "products": [teams]}
    if name == "product_wrong_area":
        teams = ProductFactory(code="teams", solution_area=SolutionArea.MICROSOFT_365, is_dynamics=False)
        return {"products": [teams]}
    if name == "single_product_required":
        field_service = ProductFactory(code="d365-field-service")
        subscription.products.add(field_service)
        return {"activity": "revenue_association", "products": [dynamics_sales, field_service]}
    if name == "product_not_on_tenant":
        return {"products": [ProductFactory(code="d365-finance")]}
    if name == "product_not_on_subscription":
        field_service = ProductFactory(code="d365-field-service")
        SubscriptionFactory(tenant=subscription.tenant, products=[field_service])
        return {"products": [dynamics_sales, field_service]}
    if name == "subscription_choose":
        SubscriptionFactory(tenant=subscription.tenant, products=[dynamics_sales])
        return {"subscription_ref": ""}
    if name == "subscription_id_invalid":
        return {"subscription_ref": "ORDER-12345"}
    if name == "subscription_id_is_tenant":
        return {"subscription_ref": base["customer_tenant_id"]}
    if name == "subscription_not_found":
        return {"subscription_ref": str(uuid.uuid4())}
    if name == "subscription_other_tenant":
        return {"subscription_ref": str(SubscriptionFactory(products=[dynamics_sales]).subscription_id)}
    if name == "subscription_not_dynamics":
        e3 = ProductFactory(code="m365-e3", solution_area=SolutionArea.MICROSOFT_365, is_dynamics=False)
        return {"subscription_ref": str(SubscriptionFactory(tenant=subscription.tenant, products=[e3]).subscription_id)}
    if name in ("subscription_is_csp", "subscription_not_provisioned", "subscription_not_active"):
        change = {
            "subscription_is_csp": {"channel": Channel.CSP},
            "subscription_not_provisioned": {"provisioned": False},
            "subscription_not_active": {"status": SubscriptionStatus.EXPIRED},
        }[name]
        for field_name, value in change.items():
            setattr(subscription, field_name, value)
        subscription.save()
        return {}
    if name == "already_claimed":
        claim = ClaimFactory(mpn=base["mpn"], created_by=contoso_admin, sub=subscription, products=[dynamics_sales])
        poe_attach(
            claim=claim, user=contoso_admin, name="a.pdf", file=ContentFile(pdf_bytes()), content_type="application/pdf"
        )
        claim_submit(claim=claim, user=contoso_admin)
        return {}
    if name == "required":
        return {"customer_contact_email": "", "description": ""}
    raise AssertionError(name)


FORM_CASES = [
    ("required", "customer_contact_email"),
    ("tenant_id_not_guid", "customer_tenant_id"),
    ("tenant_not_found", "customer_tenant_id"),
    ("domain_tenant_mismatch", "customer_domain"),
    ("activity_not_offered", "activity"),
    ("product_wrong_area", "products"),
    ("single_product_required", "products"),
    ("product_not_on_tenant", "products"),
    ("product_not_on_subscription", "products"),
    ("subscription_choose", "subscription_ref"),
    ("subscription_id_invalid", "subscription_ref"),
    ("subscription_id_is_tenant", "subscription_ref"),
    ("subscription_not_found", "subscription_ref"),
    ("subscription_other_tenant", "subscription_ref"),
    ("subscription_not_dynamics", "subscription_ref"),
    ("subscription_is_csp", "subscription_ref"),
    ("subscription_not_provisioned", "subscription_ref"),
    ("subscription_not_active", "subscription_ref"),
    ("already_claimed", "subscription_ref"),
]


@pytest.mark.parametrize(("code", "field"), FORM_CASES)
def test_each_code_through_the_form(client, base, subscription, dynamics_sales, contoso, contoso_admin, code, field):
    changes = _scenario(code, base, subscription, dynamics_sales, contoso, contoso_admin)
    login(client, contoso_admin)
    before = set(Claim.objects.values_list("pk", flat=True))
    response = client.post(reverse("claims:new"), _post_data(base, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert code in [i.code for i in form[field].issues], [(b.name, [i.code for i in b.issues]) for b in form]
    # Nothing saved (no junk draft); the PDF is kept for the form; what was typed is on the page.
    assert not Claim.objects.exclude(pk__in=before).exists()
    assert [k.name for k in response.context["kept_files"]] == ["proof.pdf"]
    html = response.content.decode()
    assert "Nothing was saved yet" in html
    assert "kept: proof.pdf" in html
    assert f'data-code="{code}"' in html
    assert "Ada Customer" in html
    directory_error = code in DIRECTORY_CODES
    assert ("a directory error stays, contact support" in html) == directory_error
    if directory_error:
        assert "Contact support" in html


def test_warning_through_the_form_submits(client, base, contoso, contoso_admin):
    base["mpn"] = MpnFactory(partner=contoso, incentive_enrolled=False, number="1000009")
    login(client, contoso_admin)
    response = client.post(reverse("claims:new"), _post_data(base), follow=True)
    claim = Claim.objects.get()
    assert claim.status == Status.SUBMITTED
    texts = [str(m) for m in response.context["messages"]]
    assert any("not enrolled in an incentive program" in t for t in texts)
    assert "form-warning" in response.content.decode()


def test_mpn_of_another_partner_is_refused_by_the_form(client, base, contoso_admin, fabrikam_mpn):
    base["mpn"] = fabrikam_mpn
    login(client, contoso_admin)
    response = client.post(reverse("claims:new"), _post_data(base))
    assert response.status_code == 200
    assert response.context["form"].errors["mpn"]
    assert not Claim.objects.exists()
