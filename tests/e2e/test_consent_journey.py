"""Journeys of the customer's consent (docs/consent.md): a partner files a claim, the customer
contact's e-mail carries a link, opened in a fresh, signed-out browser it explains the claim
and shows its facts and nothing of any other partner; a decline rejects the claim with
*Customer declined* and the partner is told. And: a reviewer sends a new link (the old one is
refused), the customer confirms, the reviewer approves, the window passes (the sweep, at a
later clock) and the partner's page shows the approval as final."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from claims.jobs.sweep import run_sla_sweep
from claims.models import Claim, RejectionReason
from claims.states import Status
from consent.requests import consent_current
from consent.sending import send_consent_emails
from lib import clock
from notifications.models import Notification
from partners.models import Partner
from tests.e2e.claim_form import entry, fill_claim_form, submit_claim
from tests.e2e.conftest import pdf_file, settle

pytestmark = pytest.mark.browser
LINK = re.compile(r"(/consent/[A-Za-z0-9_-]{43}/)")


def file_claim(actors, tmp_path, case: str, email: str):
    partner = actors("contoso.admin")
    partner.goto("/claims/new/")
    e = entry(case, contact_email=email, files=[pdf_file(tmp_path, f"{case}.pdf", case)])
    fill_claim_form(partner, e)
    submit_claim(partner)
    expect(partner.locator(".page-head h1 .pill")).to_have_text("Submitted")
    claim = Claim.objects.get(customer_tenant_id=e.tenant_id, partner__name="Contoso", status=Status.SUBMITTED)
    return partner, claim


def customer_link(email: str, claim) -> str:
    """The link in the newest consent e-mail to ``email`` about ``claim``. With a broker (CI) the
    e-mail waits for a worker: the periodic send, run here, sends it (without one it is sent)."""
    send_consent_emails()
    sent = [m for m in mail.outbox if m.to == [email] and claim.reference in m.body]
    assert sent, f"no consent e-mail to {email}: {[m.to for m in mail.outbox]}"
    return LINK.search(sent[-1].body).group(1)


def test_the_customer_declines_and_the_partner_sees_it(actors, tmp_path):
    email = "astrid.lindqvist@northwind.example"
    partner, claim = file_claim(actors, tmp_path, "valid_presales", email)
    expect(partner.locator("#consent-line")).to_contain_text("waiting for the customer's answer")
    link = customer_link(email, claim)
    message = [m for m in mail.outbox if m.to == [email]][-1]
    assert "Contoso" in message.subject and "Dynamics 365 Sales" in message.body

    customer = actors.new_page("customer")  # a fresh, signed-out browser
    customer.goto(link)
    expect(customer.get_by_role("heading", level=1)).to_have_text("Did Contoso work with you?")
    expect(customer.locator("main")).to_contain_text("A partner of record is the partner Microsoft knows helped you")
    facts = customer.locator("dl.facts")
    for fact in ("Contoso", "Northwind Traders", "Dynamics 365 Sales", "Presales", claim.reference):
        expect(facts).to_contain_text(fact)
    expect(customer.locator("nav.main-nav")).to_have_count(0)
    body = customer.content()
    for other in Partner.objects.exclude(name="Contoso").values_list("name", flat=True):
        assert other not in body, f"the consent page names another partner: {other}"
    for other in Claim.objects.exclude(pk=claim.pk).exclude(submitted_at=None).values_list("pk", flat=True)[:200]:
        assert f"CPOR-{other:06d}" not in body

    customer.get_by_label("Why do you decline?").fill("We have never worked with Contoso on Dynamics.")
    with customer.expect_navigation():
        customer.get_by_role("button", name="Decline").click()
    expect(customer.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(customer.locator(".messages")).to_contain_text("You declined")
    # The link is spent: it now says only that it is not valid.
    customer.allowed_console.append("status of 404")
    assert customer.goto(link).status == 404
    expect(customer.get_by_role("heading", level=1)).to_have_text("This link is not valid or has expired")

    claim.refresh_from_db()
    assert (claim.status, claim.decision_reason) == (Status.REJECTED, RejectionReason.CUSTOMER_DECLINED)
    partner.reload()
    expect(partner.locator(".page-head h1 .pill")).to_have_text("Rejected")
    expect(partner.locator(".notice", has_text="Rejected:")).to_contain_text(
        "Customer declined — We have never worked with Contoso on Dynamics."
    )
    expect(partner.locator("#consent-line")).to_contain_text("declined by the customer on")
    assert Notification.objects.filter(claim=claim, kind="decision", recipient__username="contoso.admin").exists()
    partner.goto("/notifications/")
    expect(partner.locator("main")).to_contain_text("Customer declined")


def test_confirm_approve_and_the_window_passes(actors, tmp_path):
    email = "nils.berg@adventureworks.example"
    partner, claim = file_claim(actors, tmp_path, "valid_usage", email)
    assert not claim.is_competing
    first_link = customer_link(email, claim)

    # The reviewer sends a new link: the first one stops working.
    reviewer = actors("reviewer1")
    reviewer.goto(f"/review/claims/{claim.pk}/")
    expect(reviewer.locator("#consent-line")).to_contain_text("waiting for the customer's answer")
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Send the customer a new consent link").click()
    expect(reviewer.locator(".messages")).to_contain_text(f"A new consent link was e-mailed to {email}")
    link = customer_link(email, claim)
    assert link != first_link

    customer = actors.new_page("customer")
    customer.allowed_console.append("status of 404")
    assert customer.goto(first_link).status == 404
    expect(customer.get_by_role("heading", level=1)).to_have_text("This link is not valid or has expired")
    customer.goto(link)
    with customer.expect_navigation():
        customer.get_by_role("button", name="Confirm").click()
    expect(customer.locator(".messages")).to_contain_text("You confirmed that Contoso worked with you")
    customer.goto(link)  # confirmed once: only the decline is left
    expect(customer.get_by_role("button", name="Confirm")).to_have_count(0)
    expect(customer.locator("main")).to_contain_text("You confirmed on")

    # The reviewer starts the review and approves; the customer may still decline for a while.
    reviewer.reload()
    expect(reviewer.locator("#consent-line")).to_contain_text("confirmed by the customer on")
    reviewer.get_by_role("button", name="Start review").click()
    expect(reviewer.locator("#claim-status .pill").first).to_have_text("Under review")
    settle(reviewer)
    approve = reviewer.locator("#claim-actions .action-approve")
    reviewer.once("dialog", lambda dialog: dialog.accept())
    approve.get_by_role("button", name="Approve claim").click()
    expect(reviewer.locator("#claim-status .pill").first).to_have_text("Approved")
    expect(reviewer.locator("#consent-line")).to_contain_text("Approved — the customer may still decline until")
    settle(reviewer)
    partner.reload()
    expect(partner.locator("#consent-line")).to_contain_text("Approved — the customer may still decline until")

    # The window passes: the sweep, run at a later clock, makes the approval final.
    window_ends = consent_current(claim.pk).window_ends_at
    with clock.frozen_at(window_ends + dt.timedelta(minutes=1)):
        assert run_sla_sweep()["consent_windows_closed"] >= 1
    partner.reload()
    expect(partner.locator(".page-head h1 .pill")).to_have_text("Approved")
    expect(partner.locator("#consent-line")).to_contain_text("Approved — final")
    customer.goto(link)  # and the customer's link no longer asks anything
    expect(customer.get_by_role("heading", level=1)).to_have_text("This link is not valid or has expired")
