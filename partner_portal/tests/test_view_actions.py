"""The claim page's actions through the views: resubmit, withdraw, dispute, end, add PoE and
reclaim; wrong states and roles are refused by the server."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from claims.models import Claim, EndReason
from claims.services import (
    claim_approve,
    claim_end,
    claim_reject,
    claim_request_info,
    claim_start_review,
    claim_submit,
)
from claims.states import Status
from claims.tests.test_uploads import pdf_bytes, png_bytes, upload
from lib.actors import SYSTEM
from tests.helpers import login


def go(claim, name):
    return reverse(f"claims:{name}", args=[claim.pk])


@pytest.fixture
def submitted(draft, contoso_admin):
    claim_submit(claim=draft, user=contoso_admin)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def info_requested(submitted, reviewer1):
    claim_start_review(claim=submitted, user=reviewer1)
    claim_request_info(claim=submitted, user=reviewer1, reasons=["poe_missing"], message="Please add the signed PoE.")
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def rejected(submitted, reviewer1):
    claim_start_review(claim=submitted, user=reviewer1)
    claim_reject(claim=submitted, user=reviewer1, reason="insufficient_poe", message="Not signed.")
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def approved(submitted, reviewer1):
    claim_start_review(claim=submitted, user=reviewer1)
    claim_approve(claim=submitted, user=reviewer1)
    submitted.refresh_from_db()
    return submitted


# --- resubmit -------------------------------------------------------------------------------------


def test_resubmit_with_new_poe(client, contoso_admin, info_requested):
    login(client, contoso_admin)
    response = client.post(
        go(info_requested, "resubmit"),
        {
            "message": "Signed PoE attached.",
            "poe": [upload("signed.png", png_bytes())],
            "version": info_requested.version,
        },
    )
    assert response.status_code == 302, response.context["resubmit_form"].errors
    info_requested.refresh_from_db()
    assert info_requested.status == Status.UNDER_REVIEW
    assert list(info_requested.poe_files.order_by("id").values_list("original_name", flat=True)) == [
        "poe.pdf",
        "signed.png",
    ]
    assert info_requested.comments.filter(code="resubmitted", body="Signed PoE attached.").count() == 1


def test_resubmit_needs_a_message(client, contoso_admin, info_requested):
    login(client, contoso_admin)
    response = client.post(go(info_requested, "resubmit"), {"version": info_requested.version, "message": ""})
    assert response.status_code == 200
    assert response.context["resubmit_form"].errors["message"]
    info_requested.refresh_from_db()
    assert info_requested.status == Status.ACTION_REQUIRED


def test_resubmit_with_a_bad_file_stores_nothing(client, contoso_admin, info_requested):
    login(client, contoso_admin)
    response = client.post(
        go(info_requested, "resubmit"),
        {"version": info_requested.version, "message": "Typed answer", "poe": [upload("x.pdf", b"<html></html>")]},
    )
    assert response.status_code == 200
    assert "x.pdf" in str(response.context["resubmit_form"].errors["poe"])
    assert "Typed answer" in response.content.decode()
    info_requested.refresh_from_db()
    assert info_requested.status == Status.ACTION_REQUIRED


def test_resubmit_in_wrong_state_is_a_message(client, contoso_admin, submitted):
    login(client, contoso_admin)
    response = client.post(go(submitted, "resubmit"), {"version": submitted.version, "message": "hello"})
    assert response.status_code == 200
    assert "not possible" in str(response.context["resubmit_form"].non_field_errors())
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


# --- withdraw -------------------------------------------------------------------------------------


def test_withdraw_needs_confirmation(client, contoso_admin, submitted):
    login(client, contoso_admin)
    response = client.post(go(submitted, "withdraw"), {"version": submitted.version, "reason": "Wrong customer"})
    assert response.status_code == 200
    assert response.context["withdraw_form"].errors["confirm"]
    assert "Wrong customer" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_withdraw(client, contoso_admin, submitted):
    login(client, contoso_admin)
    response = client.post(
        go(submitted, "withdraw"), {"version": submitted.version, "reason": "Wrong customer", "confirm": "on"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN
    assert submitted.audit_events.filter(action="claims.claim.withdrawn").count() == 1
    assert submitted.audit_events.get(action="claims.claim.withdrawn").data["reason"] == "Wrong customer"


def test_withdraw_after_decision_is_refused(client, contoso_admin, approved):
    login(client, contoso_admin)
    response = client.post(go(approved, "withdraw"), {"version": approved.version, "confirm": "on"})
    assert response.status_code == 200
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


# --- dispute --------------------------------------------------------------------------------------


def test_dispute_with_new_poe(client, contoso_admin, rejected):
    login(client, contoso_admin)
    response = client.get(go(rejected, "detail"))
    assert response.status_code == 200
    until = date_format(timezone.localtime(rejected.dispute_until), "DATE_FORMAT")
    assert f"You can dispute this decision until {until}." in response.content.decode()
    response = client.post(
        go(rejected, "dispute"),
        {
            "version": rejected.version,
            "justification": "The PoE is signed on page 2.",
            "poe": [upload("page2.pdf", pdf_bytes())],
        },
    )
    assert response.status_code == 302
    rejected.refresh_from_db()
    assert rejected.status == Status.DISPUTED
    assert list(rejected.poe_files.order_by("id").values_list("original_name", flat=True)) == ["poe.pdf", "page2.pdf"]


def test_dispute_needs_a_justification(client, contoso_admin, rejected):
    login(client, contoso_admin)
    response = client.post(go(rejected, "dispute"), {"version": rejected.version, "justification": ""})
    assert response.status_code == 200
    assert response.context["dispute_form"].errors["justification"]


def test_dispute_after_the_window_is_refused(client, contoso_admin, rejected):
    Claim.objects.filter(pk=rejected.pk).update(dispute_until=timezone.now() - dt.timedelta(days=1))
    login(client, contoso_admin)
    page = client.get(go(rejected, "detail")).content.decode()
    assert 'action="' + go(rejected, "dispute") + '"' not in page
    response = client.post(go(rejected, "dispute"), {"version": rejected.version, "justification": "Late"})
    assert response.status_code == 200
    assert "window has closed" in str(response.context["dispute_form"].non_field_errors())
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED


def test_dispute_of_a_non_rejected_claim_stores_no_poe(client, contoso_admin, submitted):
    login(client, contoso_admin)
    response = client.post(
        go(submitted, "dispute"),
        {"version": submitted.version, "justification": "x", "poe": [upload("a.pdf", pdf_bytes())]},
    )
    assert response.status_code == 200
    assert submitted.poe_files.count() == 1


# --- end ------------------------------------------------------------------------------------------


def test_end_needs_a_reason(client, contoso_admin, approved):
    login(client, contoso_admin)
    response = client.post(go(approved, "end"), {"version": approved.version, "message": "", "confirm": "on"})
    assert response.status_code == 200
    assert response.context["end_form"].errors["message"]
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_end(client, contoso_admin, approved):
    login(client, contoso_admin)
    response = client.post(
        go(approved, "end"),
        {"version": approved.version, "message": "Customer moved to another partner.", "confirm": "on"},
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == Status.ENDED
    assert approved.end_reason == EndReason.PARTNER_DISASSOCIATED
    assert approved.end_message == "Customer moved to another partner."


# --- extra PoE --------------------------------------------------------------------------------------


def test_add_poe_to_an_approved_association(client, contoso_admin, approved):
    login(client, contoso_admin)
    response = client.post(
        go(approved, "poe_add"), {"version": approved.version, "poe": [upload("defence.pdf", pdf_bytes())]}
    )
    assert response.status_code == 302
    assert list(approved.poe_files.order_by("id").values_list("original_name", flat=True)) == ["poe.pdf", "defence.pdf"]


def test_add_poe_needs_a_file(client, contoso_admin, submitted):
    login(client, contoso_admin)
    response = client.post(
        go(submitted, "poe_add"),
        {
            "version": submitted.version,
        },
    )
    assert response.status_code == 200
    assert response.context["poe_form"].errors["poe"]


# --- reclaim ----------------------------------------------------------------------------------------


def test_reclaim_prefills_and_links(client, contoso_admin, rejected, subscription):
    login(client, contoso_admin)
    response = client.get(go(rejected, "reclaim"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["customer_tenant_id"].value() == rejected.customer_tenant_id
    assert form["description"].value() == rejected.description
    assert rejected.reference in response.content.decode()
    data = {name: form[name].value() or "" for name in form.fields if name not in ("poe", "version", "products")}
    data["products"] = form["products"].value()
    data["action"] = "save"
    response = client.post(go(rejected, "reclaim"), data)
    assert response.status_code == 302
    new = Claim.objects.exclude(pk=rejected.pk).get()
    assert new.reclaimed_from == rejected
    assert new.status == Status.EDITING
    assert new.customer_domain == rejected.customer_domain
    assert new.audit_events.filter(action="claims.claim.created").count() == 1
    assert new.audit_events.get(action="claims.claim.created").data["reclaimed_from"] == rejected.pk


def test_reclaim_with_a_renewed_subscription(client, contoso_admin, approved):
    claim_end(claim=approved, user=SYSTEM, reason=EndReason.SUBSCRIPTION_EXPIRED)
    renewed = "5b8c6a1e-2f4d-4c1a-9f1e-1234567890ab"
    login(client, contoso_admin)
    response = client.get(go(approved, "reclaim") + f"?subscription={renewed}")
    assert response.status_code == 200
    assert response.context["form"]["subscription_ref"].value() == renewed


def test_reclaim_of_an_open_claim_is_refused(client, contoso_admin, submitted):
    login(client, contoso_admin)
    response = client.get(go(submitted, "reclaim"))
    assert response.status_code == 302
    assert response["Location"] == go(submitted, "detail")


# --- method and role checks ---------------------------------------------------------------------------

WRITE_URLS = ["resubmit", "withdraw", "dispute", "end", "poe_add", "comment", "submit"]


@pytest.mark.parametrize("name", WRITE_URLS)
def test_get_on_write_urls_is_405(client, contoso_admin, submitted, name):
    login(client, contoso_admin)
    assert client.get(go(submitted, name)).status_code == 405


@pytest.mark.parametrize("name", [*WRITE_URLS, "edit", "reclaim"])
def test_viewer_gets_403_on_writes(client, contoso_viewer, submitted, name):
    login(client, contoso_viewer)
    assert client.post(go(submitted, name), {"message": "x", "confirm": "on", "justification": "x"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.parametrize("version", ["abc", "1; DROP TABLE claims", "99999999999999999999999", "-1"])
def test_tampered_version_never_500(client, contoso_admin, submitted, version):
    login(client, contoso_admin)
    response = client.post(go(submitted, "withdraw"), {"confirm": "on", "version": version})
    assert response.status_code in (200, 302)
