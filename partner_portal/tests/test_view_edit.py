"""Editing a claim: every field of a draft; after submission only MPN, products, contacts and
extra PoE; stale forms and rule violations come back with what was typed."""

import pytest
from django.urls import reverse

from claims.services import claim_approve, claim_start_review, claim_submit
from claims.states import Status
from claims.tests.factories import MpnFactory
from claims.tests.test_uploads import pdf_bytes, upload
from tests.helpers import login


def url(claim):
    return reverse("claims:edit", args=[claim.pk])


def data_for(claim, **changes):
    data = {
        "name": claim.name,
        "mpn": claim.mpn_id,
        "customer_tenant_id": claim.customer_tenant_id,
        "customer_domain": claim.customer_domain,
        "solution_area": claim.solution_area,
        "activity": claim.activity,
        "products": [p.pk for p in claim.products.all()],
        "subscription_ref": claim.subscription_ref,
        "customer_contact_name": claim.customer_contact_name,
        "customer_contact_title": claim.customer_contact_title,
        "customer_contact_email": claim.customer_contact_email,
        "partner_contact_name": claim.partner_contact_name,
        "partner_contact_email": claim.partner_contact_email,
        "description": claim.description,
        "version": claim.version,
        "action": "save",
    }
    data.update(changes)
    return data


def test_get_prefills(client, contoso_admin, draft):
    login(client, contoso_admin)
    response = client.get(url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert draft.customer_domain in html
    assert f'name="version" value="{draft.version}"' in html
    assert "poe.pdf" in html  # already stored PoE is listed


def test_edit_draft_every_field(client, contoso_admin, draft):
    login(client, contoso_admin)
    response = client.post(url(draft), data_for(draft, description="New text", customer_contact_title="CEO"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.description == "New text"
    assert draft.customer_contact_title == "CEO"
    assert draft.audit_events.filter(action="claims.claim.updated").count() == 1


def test_save_then_submit_from_the_edit_page(client, contoso_admin, draft):
    login(client, contoso_admin)
    response = client.post(url(draft), data_for(draft, action="submit"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_stale_version_is_refused_and_typed_values_kept(client, contoso_admin, draft):
    login(client, contoso_admin)
    data = data_for(draft, description="Mine", version=draft.version - 1 if draft.version > 1 else 999)
    response = client.post(url(draft), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "changed while you were working on it" in html
    assert "Mine" in html
    draft.refresh_from_db()
    assert draft.description != "Mine"
    # The form now carries the current version: saving again deliberately keeps the typed values.
    assert response.context["form"]["version"].value() == str(draft.version)


def test_after_submit_only_allowed_fields(client, contoso_admin, draft, contoso):
    claim_submit(claim=draft, user=contoso_admin)
    draft.refresh_from_db()
    login(client, contoso_admin)
    response = client.get(url(draft))
    form = response.context["form"]
    assert set(form.fields) == {
        "name",  # the partner's own label: renaming changes nothing the claim covers
        "mpn",
        "products",
        "customer_contact_name",
        "customer_contact_title",
        "customer_contact_email",
        "partner_contact_name",
        "partner_contact_email",
        "poe",
        "version",
    }
    other_mpn = MpnFactory(partner=contoso, number="1000005")
    data = data_for(draft, mpn=other_mpn.pk, customer_contact_name="New Contact", customer_domain="hack.example")
    data["poe"] = [upload("extra.pdf", pdf_bytes())]
    response = client.post(url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.mpn == other_mpn
    assert draft.customer_contact_name == "New Contact"
    assert draft.customer_domain != "hack.example"
    assert draft.poe_files.count() == 2
    assert draft.comments.filter(code="poe_added").count() == 1


def test_after_submit_breaking_edit_shows_the_issue(client, contoso_admin, draft):
    claim_submit(claim=draft, user=contoso_admin)
    draft.refresh_from_db()
    login(client, contoso_admin)
    response = client.post(url(draft), data_for(draft, products=[], customer_contact_name="Kept"))
    assert response.status_code == 200
    form = response.context["form"]
    assert [i.code for i in form["products"].issues] == ["required"]
    assert "Kept" in response.content.decode()


def test_decided_claim_cannot_be_edited(client, contoso_admin, draft, reviewer1):
    claim_submit(claim=draft, user=contoso_admin)
    claim_start_review(claim=draft, user=reviewer1)
    claim_approve(claim=draft, user=reviewer1)
    login(client, contoso_admin)
    response = client.get(url(draft))
    assert response.status_code == 302
    response = client.post(url(draft), data_for(draft, description="x"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED


@pytest.mark.parametrize("method", ["get", "post"])
def test_viewer_and_foreign(client, contoso_viewer, fabrikam_admin, draft, method):
    login(client, contoso_viewer)
    assert getattr(client, method)(url(draft)).status_code == 403
    login(client, fabrikam_admin)
    assert getattr(client, method)(url(draft)).status_code == 404


def test_submit_button_on_the_claim_page(client, contoso_admin, draft):
    login(client, contoso_admin)
    response = client.post(reverse("claims:submit", args=[draft.pk]), {"version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_submit_button_with_errors_shows_the_form(client, contoso_admin, draft):
    draft.customer_domain = "wrong.example"
    draft.save()
    login(client, contoso_admin)
    response = client.post(reverse("claims:submit", args=[draft.pk]), {"version": draft.version})
    assert response.status_code == 200
    assert [i.code for i in response.context["form"]["customer_domain"].issues] == ["domain_tenant_mismatch"]
    assert 'value="wrong.example"' in response.content.decode()
