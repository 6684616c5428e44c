"""Live per-field checks (HTMX GET fragments) for tenant/domain, subscription and MPN."""

import uuid

import pytest
from django.urls import reverse

from claims.tests.factories import MpnFactory
from tests.helpers import login


@pytest.fixture
def admin_client(client, contoso_admin):
    return login(client, contoso_admin)


def get(client, name, **params):
    response = client.get(reverse(f"claims:{name}"), params, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    return html


def test_tenant_ok(admin_client, subscription):
    tenant = subscription.tenant
    html = get(
        admin_client,
        "check_tenant",
        customer_tenant_id=str(tenant.tenant_id),
        customer_domain=tenant.domains.first().domain,
    )
    assert "field-ok" in html
    assert tenant.name in html


def test_tenant_not_guid(admin_client):
    html = get(admin_client, "check_tenant", customer_tenant_id="abc")
    assert 'data-code="tenant_id_not_guid"' in html


def test_tenant_not_found_has_support_link(admin_client, settings):
    html = get(admin_client, "check_tenant", customer_tenant_id=str(uuid.uuid4()))
    assert 'data-code="tenant_not_found"' in html
    assert settings.SUPPORT_URL.replace("&", "&amp;") in html


def test_domain_mismatch(admin_client, subscription):
    html = get(
        admin_client, "check_tenant", customer_tenant_id=str(subscription.tenant.tenant_id), customer_domain="x.example"
    )
    assert 'data-code="domain_tenant_mismatch"' in html


def test_empty_tenant_says_nothing(admin_client):
    assert get(admin_client, "check_tenant", customer_tenant_id="").strip() == ""


def test_subscription_ok_and_errors(admin_client, subscription):
    html = get(admin_client, "check_subscription", subscription_ref=str(subscription.subscription_id))
    assert "field-ok" in html
    assert "Volume Licensing" in html
    html = get(admin_client, "check_subscription", subscription_ref="ORDER-1")
    assert 'data-code="subscription_id_invalid"' in html
    html = get(
        admin_client,
        "check_subscription",
        subscription_ref=str(subscription.subscription_id),
        customer_tenant_id=str(uuid.uuid4()),
    )
    assert 'data-code="subscription_other_tenant"' in html


def test_mpn_warning_only_for_incentive_activities(admin_client, contoso):
    mpn = MpnFactory(partner=contoso, incentive_enrolled=False)
    assert 'data-code="mpn_not_enrolled"' in get(admin_client, "check_mpn", mpn=mpn.pk, activity="presales")
    assert "mpn_not_enrolled" not in get(admin_client, "check_mpn", mpn=mpn.pk, activity="revenue_association")


def test_mpn_of_another_partner_is_ignored(admin_client, fabrikam):
    other = MpnFactory(partner=fabrikam, incentive_enrolled=False)
    assert "mpn_not_enrolled" not in get(admin_client, "check_mpn", mpn=other.pk, activity="presales")


def test_input_is_escaped(admin_client):
    html = get(admin_client, "check_tenant", customer_tenant_id="<img src=x onerror=alert(1)>")
    assert "<img" not in html
    assert "&lt;img" in html


@pytest.mark.parametrize("name", ["check_tenant", "check_subscription", "check_mpn"])
def test_access(client, contoso_viewer, reviewer1, name):
    assert client.get(reverse(f"claims:{name}")).status_code == 302
    login(client, contoso_viewer)
    assert client.get(reverse(f"claims:{name}")).status_code == 403
    login(client, reviewer1)
    assert client.get(reverse(f"claims:{name}")).status_code in (403, 404)


def test_huge_ids_never_500(admin_client):
    huge = "9" * 40
    get(admin_client, "check_mpn", mpn=huge, activity="presales")
    response = admin_client.get(
        reverse("claims:form_fields"), {"solution_area": "business_applications", "products": [huge, "x"]}
    )
    assert response.status_code == 200
