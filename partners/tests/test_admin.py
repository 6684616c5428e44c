"""Partners, MPN IDs and memberships in the admin."""

import pytest
from django.urls import reverse

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def staff(client, superuser):
    client.force_login(superuser, backend=BACKEND)
    return client


def results(response) -> list:
    return list(response.context["cl"].result_list)


def test_pages_render(staff, contoso, contoso_mpn, contoso_admin):
    membership = contoso_admin.membership
    for model, obj in [("partner", contoso), ("mpn", contoso_mpn), ("membership", membership)]:
        assert staff.get(reverse(f"admin:partners_{model}_changelist")).status_code == 200, model
        assert staff.get(reverse(f"admin:partners_{model}_add")).status_code == 200, model
        assert staff.get(reverse(f"admin:partners_{model}_change", args=[obj.pk])).status_code == 200, model


def test_partner_page_shows_its_mpns_and_members(staff, contoso, contoso_mpn, contoso_admin):
    response = staff.get(reverse("admin:partners_partner_change", args=[contoso.pk]))
    body = response.content.decode()
    assert contoso_mpn.number in body
    assert contoso_admin.username in body
    assert [type(f.opts).__name__ for f in response.context["inline_admin_formsets"]] == [
        "MpnInline",
        "MembershipInline",
    ]


def test_search(staff, contoso_mpn, fabrikam_mpn, contoso_admin):
    url = reverse("admin:partners_mpn_changelist")
    assert results(staff.get(url, {"q": contoso_mpn.number})) == [contoso_mpn]
    assert results(staff.get(url, {"q": "Fabrikam"})) == [fabrikam_mpn]
    url = reverse("admin:partners_membership_changelist")
    assert results(staff.get(url, {"q": "contoso.admin"})) == [contoso_admin.membership]


def test_partner_autocomplete(staff, contoso, fabrikam):
    response = staff.get(
        reverse("admin:autocomplete"),
        {"app_label": "partners", "model_name": "mpn", "field_name": "partner", "term": "Conto"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Contoso"]
