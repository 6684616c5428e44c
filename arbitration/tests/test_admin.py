"""Arbitration cases in the admin: view only, with their competing claims inline."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from arbitration.admin import CaseClaimInline
from arbitration.models import ArbitrationCase, CaseClaim
from claims.tests.factories import ClaimFactory, UserFactory

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


@pytest.fixture
def case(draft, fabrikam_mpn, subscription, dynamics_sales):
    rival = ClaimFactory(mpn=fabrikam_mpn, sub=subscription, products=[dynamics_sales])
    case = ArbitrationCase.objects.create(
        association_key=f"sub:{subscription.subscription_id}:presales",
        tenant=subscription.tenant,
        subscription=subscription,
        product=dynamics_sales,
        activity="presales",
    )
    CaseClaim.objects.create(case=case, claim=draft, is_incumbent=True)
    CaseClaim.objects.create(case=case, claim=rival)
    return case


def results(response) -> list:
    return list(response.context["cl"].result_list)


def test_changelist_renders(staff, case):
    response = staff.get(reverse("admin:arbitration_arbitrationcase_changelist"))
    assert response.status_code == 200
    assert results(response) == [case]
    assert case.reference in response.content.decode()


def test_change_view_shows_the_competing_claims_read_only(operator, case, draft):
    response = operator.get(reverse("admin:arbitration_arbitrationcase_change", args=[case.pk]))
    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}
    body = response.content.decode()
    assert draft.reference in body
    assert "Contoso" in body and "Fabrikam" in body
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.has_add_permission is False
    assert inline.has_change_permission is False
    assert inline.has_delete_permission is False

    response = operator.post(reverse("admin:arbitration_arbitrationcase_change", args=[case.pk]), {"status": "decided"})
    assert response.status_code == 403
    assert ArbitrationCase.objects.get(pk=case.pk).status == "open"


def test_no_add(operator):
    assert operator.get(reverse("admin:arbitration_arbitrationcase_add")).status_code == 403


def test_no_delete(operator, superuser, case):
    url = reverse("admin:arbitration_arbitrationcase_delete", args=[case.pk])
    assert operator.get(url).status_code == 403
    assert operator.post(url, {"post": "yes"}).status_code == 403
    request = RequestFactory().get(url)
    request.user = superuser
    model_admin = admin.site.get_model_admin(ArbitrationCase)
    assert model_admin.has_delete_permission(request, case) is False
    assert "delete_selected" not in model_admin.get_actions(request)
    with pytest.raises(PermissionDenied):
        model_admin.delete_view(request, str(case.pk))
    inline = CaseClaimInline(ArbitrationCase, admin.site)
    assert inline.has_delete_permission(request, case) is False
    assert ArbitrationCase.objects.filter(pk=case.pk).exists()
    assert CaseClaim.objects.filter(case=case).count() == 2


def test_search_and_filters(staff, case):
    url = reverse("admin:arbitration_arbitrationcase_changelist")
    assert results(staff.get(url, {"q": case.reference})) == [case]
    assert results(staff.get(url, {"q": case.association_key})) == [case]
    assert results(staff.get(url, {"q": str(case.tenant.tenant_id)})) == [case]
    assert results(staff.get(url, {"q": "ARB-99999"})) == []
    assert results(staff.get(url, {"activity": "presales", "status__exact": "open"})) == [case]
    assert results(staff.get(url, {"activity": "usage"})) == []
