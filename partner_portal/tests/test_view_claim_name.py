"""The claim's name on the partner side: required on the claim form (a draft too), a clear field
error with its summary link like any other field, kept when a submission is refused, and shown
in My claims, on the claim page and in its title."""

import re

from django.urls import reverse

from claims.models import Claim
from claims.services import claim_submit
from claims.tests.test_uploads import pdf_bytes, upload
from tests.helpers import claim_form_data, login


def test_a_draft_saved_without_a_name_gets_a_field_error(client, contoso_admin, contoso_mpn):
    login(client, contoso_admin)
    response = client.post(
        reverse("claims:new"), {"name": "  ", "mpn": contoso_mpn.pk, "customer_domain": "x.example", "action": "save"}
    )
    assert response.status_code == 200
    assert not Claim.objects.exists()
    form = response.context["form"]
    assert form.errors["name"] == ["Give the claim a name, such as the customer and the project."]
    html = response.content.decode()
    # On its field (invalid, described by its error) and in the summary, linking to the input.
    assert re.search(r'<input[^>]*name="name"[^>]*aria-invalid="true"', html)
    assert re.search(r'<input[^>]*name="name"[^>]*aria-describedby="[^"]*id_name_error', html)
    assert 'id="id_name_error"' in html
    assert '<a href="#id_name">Claim name: Give the claim a name' in html
    assert 'value="x.example"' in html  # what was typed is kept


def test_the_name_is_kept_when_a_submission_is_refused(
    client, contoso_admin, contoso_mpn, subscription, dynamics_sales
):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, name="Northwind – Sales pilot FY27")
    data["customer_contact_email"] = "not-an-e-mail"
    data["poe"] = [upload("proof.pdf", pdf_bytes())]
    response = client.post(reverse("claims:new"), data)
    assert response.status_code == 200
    assert not Claim.objects.exists()
    assert "name" not in response.context["form"].errors
    assert 'value="Northwind – Sales pilot FY27"' in response.content.decode()
    # corrected, it submits under that name
    data["customer_contact_email"] = "ada@customer.example"
    data["upload_key"] = response.context["form_key"]
    data.pop("poe")
    response = client.post(reverse("claims:new"), data)
    claim = Claim.objects.get()
    assert claim.name == "Northwind – Sales pilot FY27"
    assert claim.poe_files.count() == 1


def test_the_name_is_on_the_list_and_the_claim_page(client, contoso_admin, draft):
    login(client, contoso_admin)
    html = client.get(reverse("claims:list")).content.decode()
    assert f'<a href="{reverse("claims:detail", args=[draft.pk])}">{draft.name}</a>' in html
    page = client.get(reverse("claims:detail", args=[draft.pk])).content.decode()
    assert f"<title>{draft.name} · {draft.reference} · CPOR Portal</title>" in page
    assert re.search(rf"<h1>{re.escape(draft.name)} <span class=\"claim-ref\">{draft.reference}</span>", page)


def test_a_submitted_claim_can_be_renamed(client, contoso_admin, draft):
    claim, _warnings = claim_submit(claim=draft, user=contoso_admin)
    login(client, contoso_admin)
    form = client.get(reverse("claims:edit", args=[claim.pk])).context["form"]
    assert form["name"].value() == draft.name
    data = {
        "name": "Renamed after submission",
        "mpn": claim.mpn_id,
        "products": [p.pk for p in claim.products.all()],
        **{
            field: getattr(claim, field)
            for field in (
                "customer_contact_name",
                "customer_contact_title",
                "customer_contact_email",
                "partner_contact_name",
                "partner_contact_email",
            )
        },
        "version": claim.version,
        "action": "save",
    }
    response = client.post(reverse("claims:edit", args=[claim.pk]), data)
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).name == "Renamed after submission"
