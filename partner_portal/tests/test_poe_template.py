"""The PoE template download: prefilled from the partner's own claim or from the form's values
(each checked), in the partner's language, never with another company's MPN or claim."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from claims.models import Activity
from tests.helpers import login

pytestmark = pytest.mark.django_db
URL = reverse("claims:poe_template")


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="poe-template-')
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_prefilled_from_the_partners_own_claim(client, draft, contoso_admin, fabrikam_admin):
    text = pdf_text(login(client, contoso_admin).get(URL, {"claim": draft.pk}))
    assert draft.partner.name in text and draft.mpn.number in text
    assert draft.customer_domain in text and draft.reference in text
    for product in draft.products.all():
        assert product.name in text
    assert "Customer acknowledgement" in text and "Signature" in text
    assert login(client, fabrikam_admin).get(URL, {"claim": draft.pk}).status_code == 404
    assert client.get(URL, {"claim": "x"}).status_code == 404


def test_prefilled_from_the_form_with_every_value_checked(
    client, contoso_admin, contoso_mpn, fabrikam_mpn, dynamics_sales
):
    tenant = "8f7c9d2e-1b3a-4c5d-9e8f-7a6b5c4d3e2f"
    params = {
        "mpn": contoso_mpn.pk,
        "customer_tenant_id": tenant,
        "customer_domain": "Customer.Example",
        "solution_area": "business_applications",
        "activity": "presales",
        "products": [dynamics_sales.pk, 987654],
    }
    text = pdf_text(login(client, contoso_admin).get(URL, params))
    assert contoso_mpn.number in text and tenant in text and "customer.example" in text
    assert dynamics_sales.name in text and str(Activity.PRESALES.label) in text
    # another company's MPN, a malformed tenant ID and an unknown activity are left blank
    text = pdf_text(client.get(URL, {"mpn": fabrikam_mpn.pk, "customer_tenant_id": "nope", "activity": "x"}))
    assert fabrikam_mpn.number not in text and "nope" not in text


def test_in_the_partners_language_and_only_for_partners(client, contoso_viewer, reviewer1):
    contoso_viewer.language = "sv"
    contoso_viewer.save(update_fields=["language"])
    text = pdf_text(login(client, contoso_viewer).get(URL))  # a read-only member may download it
    assert "Kundens bekräftelse" in text
    assert login(client, reviewer1).get(URL).status_code == 404


def test_the_claim_form_links_to_it(client, contoso_admin):
    html = login(client, contoso_admin).get(reverse("claims:new")).content.decode()
    assert f'data-poe-template="{URL}"' in html
