"""The new-claim form: who may use it, save draft, submit, dependent fields without and with
JavaScript, competing claims."""

import pytest
from django.urls import reverse

from claims.models import Claim, Comment
from claims.services import claim_submit
from claims.states import Status
from claims.tests.factories import MpnFactory, ProductFactory
from claims.tests.test_uploads import pdf_bytes, upload
from directory.models import SolutionArea
from partners.models import PartnerType
from tests.helpers import claim_form_data, login


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("claims:new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_viewer_gets_403(client, contoso_viewer):
    login(client, contoso_viewer)
    assert client.get(reverse("claims:new")).status_code == 403
    assert client.post(reverse("claims:new"), {"action": "save"}).status_code == 403


def test_reviewer_is_not_a_partner(client, reviewer1):
    login(client, reviewer1)
    assert client.get(reverse("claims:new")).status_code in (403, 404)


def test_mpn_options_show_enrolment_and_partner_type(client, contoso, contoso_admin, contoso_mpn, fabrikam_mpn):
    MpnFactory(partner=contoso, number="1000002", location="Malmö", incentive_enrolled=False)
    MpnFactory(partner=contoso, number="1000003", location="Lund", partner_type=PartnerType.FRP_FASTTRACK)
    login(client, contoso_admin)
    html = client.get(reverse("claims:new")).content.decode()
    assert "1000001 · Stockholm — enrolled in an incentive program" in html
    assert "1000002 · Malmö — not enrolled" in html
    assert "1000003 · Lund — enrolled in an incentive program · FRP FastTrack" in html
    assert fabrikam_mpn.number not in html


def test_save_incomplete_draft(client, contoso_admin, contoso_mpn):
    login(client, contoso_admin)
    response = client.post(
        reverse("claims:new"),
        {"name": "Half-typed", "mpn": contoso_mpn.pk, "customer_domain": "Half.Typed.Example", "action": "save"},
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:detail", args=[claim.pk])
    assert claim.status == Status.EDITING
    assert claim.customer_domain == "half.typed.example"
    assert claim.created_by == contoso_admin


def test_draft_needs_an_mpn(client, contoso_admin, contoso_mpn):
    login(client, contoso_admin)
    response = client.post(reverse("claims:new"), {"customer_domain": "x.example", "action": "save"})
    assert response.status_code == 200
    assert response.context["form"].errors["mpn"]
    assert 'value="x.example"' in response.content.decode()
    assert not Claim.objects.exists()


def test_submit_valid_claim(client, contoso_admin, contoso_mpn, subscription, dynamics_sales):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales)
    data["poe"] = [upload("proof.pdf", pdf_bytes())]
    response = client.post(reverse("claims:new"), data, follow=True)
    claim = Claim.objects.get()
    assert claim.status == Status.SUBMITTED
    assert claim.subscription == subscription
    assert claim.poe_files.count() == 1
    assert response.redirect_chain[-1][0] == reverse("claims:detail", args=[claim.pk])
    assert any("submitted" in str(m) for m in response.context["messages"])


def test_invalid_email_is_a_field_error_and_keeps_values(
    client, contoso_admin, contoso_mpn, subscription, dynamics_sales
):
    login(client, contoso_admin)
    data = claim_form_data(
        subscription, contoso_mpn, dynamics_sales, customer_contact_email="not-an-email", action="save"
    )
    response = client.post(reverse("claims:new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["customer_contact_email"]
    html = response.content.decode()
    assert "Ran the pilot." in html
    assert 'aria-invalid="true"' in html
    assert not Claim.objects.exists()


def test_update_choices_without_javascript(client, contoso_admin, contoso_mpn, dynamics_sales):
    teams = ProductFactory(code="teams", name="Microsoft Teams", solution_area=SolutionArea.MICROSOFT_365)
    login(client, contoso_admin)
    response = client.post(
        reverse("claims:new"),
        {
            "mpn": contoso_mpn.pk,
            "solution_area": SolutionArea.MICROSOFT_365,
            "description": "kept",
            "action": "refresh",
        },
    )
    assert response.status_code == 200
    assert not Claim.objects.exists()
    form = response.context["form"]
    assert [v for v, _label in form.fields["activity"].widget.choices if v] == ["usage"]
    assert [pk for pk, _name in form.fields["products"].widget.choices] == [teams.pk]
    assert not form.shows_subscription
    html = response.content.decode()
    assert "kept" in html
    assert "Update choices" in html
    assert "js-hide" in html


def test_form_fields_fragment_for_htmx(client, contoso_admin, dynamics_sales):
    login(client, contoso_admin)
    response = client.get(
        reverse("claims:form_fields"),
        {"solution_area": SolutionArea.BUSINESS_APPLICATIONS, "activity": "usage", "products": [dynamics_sales.pk]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'name="activity"' in html
    assert 'value="usage" selected' in html
    assert "Dynamics 365 Sales" in html
    assert 'name="subscription_ref"' in html
    assert "exactly one eligible subscription" in html


def test_form_fields_fragment_viewer_403(client, contoso_viewer):
    login(client, contoso_viewer)
    assert client.get(reverse("claims:form_fields")).status_code == 403


def test_subscription_field_only_for_business_applications(client, contoso_admin):
    login(client, contoso_admin)
    html = client.get(reverse("claims:form_fields"), {"solution_area": SolutionArea.MICROSOFT_365}).content.decode()
    assert 'id="id_subscription_ref"' in html
    assert 'type="hidden" name="subscription_ref"' in html


def test_competing_claim_is_accepted_and_told(
    client, fabrikam_admin, fabrikam_mpn, contoso_admin, draft, subscription, dynamics_sales
):
    claim_submit(claim=draft, user=contoso_admin)
    login(client, fabrikam_admin)
    data = claim_form_data(subscription, fabrikam_mpn, dynamics_sales)
    data["poe"] = [upload("proof.pdf", pdf_bytes())]
    response = client.post(reverse("claims:new"), data, follow=True)
    claim = Claim.objects.get(partner=fabrikam_mpn.partner)
    assert claim.status == Status.SUBMITTED
    assert claim.is_competing
    assert Comment.objects.filter(claim=claim, code="competing", internal=False).count() == 1
    html = response.content.decode()
    assert "competing-notice" in html
    assert "longer than 5 business days" in html
    assert "Contoso" not in html


def test_double_submit_is_guarded_by_js_attribute(client, contoso_admin):
    login(client, contoso_admin)
    assert "data-claim-form" in client.get(reverse("claims:new")).content.decode()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(client, contoso_admin, method):
    login(client, contoso_admin)
    assert getattr(client, method)(reverse("claims:new")).status_code == 405


def test_hostile_choice_values_are_form_errors(client, contoso_admin, contoso_mpn):
    login(client, contoso_admin)
    huge = "9" * 40
    response = client.post(
        reverse("claims:new"),
        {"mpn": huge, "products": [huge, "abc"], "solution_area": "nope", "activity": "x", "action": "save"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Claim.objects.exists()
