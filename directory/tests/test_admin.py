"""The directory in the admin: products, tenants with their domains, subscriptions."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from claims.models import Claim
from claims.states import Status
from claims.tests.factories import ClaimFactory, ProductFactory, SubscriptionFactory, TenantFactory, UserFactory
from directory.models import Product

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def staff(client, superuser):
    client.force_login(superuser, backend=BACKEND)
    return client


@pytest.fixture
def operator(client, db):
    """Staff with every permission, as operators are set up (not a superuser, not a reviewer)."""
    user = UserFactory(username="operator", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    client.force_login(user, backend=BACKEND)
    return client


def results(response) -> list:
    return list(response.context["cl"].result_list)


def test_pages_render(staff, subscription, dynamics_sales):
    tenant = subscription.tenant
    domain = tenant.domains.get()
    for model, obj in [
        ("product", dynamics_sales),
        ("customertenant", tenant),
        ("tenantdomain", domain),
        ("subscription", subscription),
    ]:
        assert staff.get(reverse(f"admin:directory_{model}_changelist")).status_code == 200, model
        assert staff.get(reverse(f"admin:directory_{model}_add")).status_code == 200, model
        assert staff.get(reverse(f"admin:directory_{model}_change", args=[obj.pk])).status_code == 200, model


def test_tenant_page_lists_its_domains(staff, subscription):
    tenant = subscription.tenant
    response = staff.get(reverse("admin:directory_customertenant_change", args=[tenant.pk]))
    assert tenant.domains.get().domain in response.content.decode()


def test_tenant_search(staff, db):
    contoso = TenantFactory(name="Contoso Ltd", domain="contoso.onmicrosoft.com")
    other = TenantFactory(name="Northwind", domain="northwind.onmicrosoft.com")
    url = reverse("admin:directory_customertenant_changelist")
    assert results(staff.get(url, {"q": str(contoso.tenant_id)})) == [contoso]
    assert results(staff.get(url, {"q": "CONTOSO.onmicrosoft"})) == [contoso]
    assert results(staff.get(url, {"q": "northwind"})) == [other]
    assert results(staff.get(url, {"q": "Ltd"})) == [contoso]
    url = reverse("admin:directory_tenantdomain_changelist")
    assert [d.domain for d in results(staff.get(url, {"q": "Contoso"}))] == ["contoso.onmicrosoft.com"]


def test_subscription_search(staff, subscription):
    other = SubscriptionFactory()
    url = reverse("admin:directory_subscription_changelist")
    assert results(staff.get(url, {"q": str(subscription.subscription_id)})) == [subscription]
    assert results(staff.get(url, {"q": str(subscription.tenant.tenant_id)})) == [subscription]
    assert results(staff.get(url, {"q": other.tenant.domains.get().domain})) == [other]


def test_tenant_autocomplete(staff, subscription):
    tenant = subscription.tenant
    response = staff.get(
        reverse("admin:autocomplete"),
        {"app_label": "directory", "model_name": "subscription", "field_name": "tenant", "term": str(tenant.tenant_id)},
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(tenant.pk)]


def test_product_used_by_a_claim_is_not_deleted(operator, draft, dynamics_sales):
    unused = ProductFactory(code="teams", name="Teams")
    assert operator.get(reverse("admin:directory_product_delete", args=[dynamics_sales.pk])).status_code == 403
    assert operator.get(reverse("admin:directory_product_delete", args=[unused.pk])).status_code == 200
    changelist = operator.get(reverse("admin:directory_product_changelist"))
    assert changelist.context["action_form"] is None  # no bulk delete
    assert (
        operator.post(reverse("admin:directory_product_delete", args=[unused.pk]), {"post": "yes"}).status_code == 302
    )
    assert list(Product.objects.values_list("code", flat=True)) == [dynamics_sales.code]


def test_tenant_search_by_a_part_of_its_guid(staff, db):
    contoso = TenantFactory(name="Contoso Ltd", domain="contoso.onmicrosoft.com")
    TenantFactory(name="Northwind", domain="northwind.onmicrosoft.com")
    guid = str(contoso.tenant_id)
    url = reverse("admin:directory_customertenant_changelist")
    for part in (guid[:8], guid[9:23], guid[-12:].upper(), guid[4:12]):  # across a hyphen too
        assert results(staff.get(url, {"q": part})) == [contoso], part
    assert results(staff.get(url, {"q": "0000000000ff"})) == []


def test_subscription_search_by_a_part_of_its_guid_or_its_tenants(staff, subscription):
    other = SubscriptionFactory()
    url = reverse("admin:directory_subscription_changelist")
    sub_guid, tenant_guid = str(subscription.subscription_id), str(subscription.tenant.tenant_id)
    assert results(staff.get(url, {"q": sub_guid[:13]})) == [subscription]
    assert results(staff.get(url, {"q": tenant_guid[-12:]})) == [subscription]
    assert results(staff.get(url, {"q": str(other.subscription_id)[24:]})) == [other]


def test_no_bulk_delete_on_directory_rows(operator, subscription):
    for model in ("customertenant", "subscription", "product"):
        changelist = operator.get(reverse(f"admin:directory_{model}_changelist"))
        assert changelist.context["action_form"] is None, model  # no "delete selected"


def test_subscription_a_claim_points_to_is_not_deleted(operator, draft, subscription):
    # The draft names the subscription only by its typed ID (no foreign key until submitted).
    assert draft.subscription_id is None
    assert operator.get(reverse("admin:directory_subscription_delete", args=[subscription.pk])).status_code == 403
    Claim.objects.filter(pk=draft.pk).update(subscription_ref=subscription.subscription_id.hex.upper())
    assert operator.get(reverse("admin:directory_subscription_delete", args=[subscription.pk])).status_code == 403
    page = operator.get(reverse("admin:directory_subscription_change", args=[subscription.pk]))
    assert page.context["has_delete_permission"] is False  # no "Delete" button
    unused = SubscriptionFactory()
    assert operator.get(reverse("admin:directory_subscription_delete", args=[unused.pk])).status_code == 200


def test_submitted_claims_subscription_and_tenant_are_not_deleted(operator, draft, subscription):
    Claim.objects.filter(pk=draft.pk).update(
        status=Status.SUBMITTED,
        association_key="test:key",
        subscription=subscription,
        tenant=subscription.tenant,
        subscription_ref="",
    )
    assert operator.get(reverse("admin:directory_subscription_delete", args=[subscription.pk])).status_code == 403
    tenant_delete = reverse("admin:directory_customertenant_delete", args=[subscription.tenant.pk])
    assert operator.get(tenant_delete).status_code == 403


def test_tenant_a_draft_names_is_not_deleted(operator, contoso_mpn, contoso_admin):
    typed = TenantFactory(name="Typed", domain="typed.onmicrosoft.com")
    by_domain = TenantFactory(name="By domain", domain="bydomain.onmicrosoft.com")
    unused = TenantFactory(name="Unused", domain="unused.onmicrosoft.com")
    ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, customer_tenant_id=f"{{{typed.tenant_id}}}".upper())
    ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, customer_domain="bydomain.onmicrosoft.com")
    for tenant, status in ((typed, 403), (by_domain, 403), (unused, 200)):
        url = reverse("admin:directory_customertenant_delete", args=[tenant.pk])
        assert operator.get(url).status_code == status, tenant.name
