"""The directory in the admin: products, tenants with their domains, subscriptions."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from claims.tests.factories import ProductFactory, SubscriptionFactory, TenantFactory, UserFactory
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
