"""The whole partner lifecycle through the views (the reviewer's steps through services):
draft → submitted → under review → partner action required → answered → under review, then
rejected → disputed, and approved → ended → reclaimed, every step on the claim's timeline."""

from django.urls import reverse

from claims.models import Claim
from claims.services import claim_approve, claim_reject, claim_request_info, claim_start_review
from claims.states import Status
from claims.tests.test_uploads import pdf_bytes, png_bytes, upload
from tests.helpers import claim_form_data, current_version, login


def timeline(client, claim):
    return [entry.what for entry in client.get(reverse("claims:detail", args=[claim.pk])).context["timeline"]]


def test_draft_submit_info_request_answer_resubmit(
    client, contoso_admin, contoso_mpn, subscription, dynamics_sales, reviewer1
):
    login(client, contoso_admin)
    # Draft first, PoE later.
    client.post(reverse("claims:new"), claim_form_data(subscription, contoso_mpn, dynamics_sales, action="save"))
    claim = Claim.objects.get()
    assert claim.status == Status.EDITING
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales)
    data["version"] = claim.version
    data["poe"] = [upload("minutes.pdf", pdf_bytes())]
    response = client.post(reverse("claims:edit", args=[claim.pk]), data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED

    claim_start_review(claim=claim, user=reviewer1)
    claim_request_info(
        claim=claim, user=reviewer1, reasons=["no_customer_ack"], message="We need the customer's sign-off."
    )
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "We need the customer&#x27;s sign-off." in page
    assert "Partner action required" in page

    claim.refresh_from_db()
    response = client.post(
        reverse("claims:resubmit", args=[claim.pk]),
        {
            "message": "Signed acknowledgement attached.",
            "poe": [upload("ack.png", png_bytes())],
            "version": claim.version,
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Status.UNDER_REVIEW
    assert claim.poe_files.count() == 2
    assert timeline(client, claim) == [
        "Draft created",
        "PoE file added",
        "Submitted",
        "Review started",
        "More information requested",
        "PoE file added",
        "Answered and resubmitted",
    ]


def test_rejected_disputed_then_approved_ended_and_reclaimed(client, contoso_admin, draft, reviewer1):
    login(client, contoso_admin)
    assert client.post(reverse("claims:submit", args=[draft.pk]), {"version": draft.version}).status_code == 302
    claim_start_review(claim=draft, user=reviewer1)
    claim_reject(claim=draft, user=reviewer1, reason="insufficient_poe", message="Unsigned.")
    response = client.post(
        reverse("claims:dispute", args=[draft.pk]),
        {"version": current_version(draft), "justification": "Signed on page 2."},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.DISPUTED
    claim_approve(claim=draft, user=reviewer1)
    response = client.post(
        reverse("claims:end", args=[draft.pk]),
        {"version": current_version(draft), "message": "Project finished.", "confirm": "on"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.ENDED
    whats = timeline(client, draft)
    for step in ("Submitted", "Rejected", "Rejection disputed", "Approved", "Association ended"):
        assert step in whats, step

    response = client.get(reverse("claims:reclaim", args=[draft.pk]))
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name not in ("poe", "version", "products")}
    data["products"] = form["products"].value()
    data["action"] = "save"
    response = client.post(reverse("claims:reclaim", args=[draft.pk]), data)
    new = Claim.objects.get(reclaimed_from=draft)
    assert response["Location"] == reverse("claims:detail", args=[new.pk])
    assert "Reclaim of " + draft.reference in client.get(response["Location"]).content.decode()
