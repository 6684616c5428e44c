"""Journeys (issue #14, items 5 and 6): an approved incumbent asked for information in
arbitration, and the winner of the award being told.

1. A reviewer asks both partners of the Tailwind Traders case at once. Contoso (the approved
   incumbent) finds a banner with the answer date and no automatic-rejection threat, and answers
   with new PoE through its form; its claim stays approved. The award is refused while Fabrikam
   still owes its answer, and goes through once the reviewer ticks "decide now". Contoso, the
   winner, reads a comment and a notification saying so, without a word of Fabrikam.
2. The newcomer wins: Fabrikam's claim is approved by the award, and Fabrikam is told in its
   thread and notifications, without a word of Contoso.
"""

import pytest
from playwright.sync_api import expect

from arbitration.models import ArbitrationCase, CaseClaim, CaseStatus
from claims.models import Claim, EndReason, RejectionReason
from claims.states import Status
from tests.e2e.axe import blocking, describe, run_axe
from tests.e2e.conftest import pdf_file, settle
from tests.e2e.test_arbitration_journey import assert_nothing_of, secrets_of

pytestmark = pytest.mark.browser


def tailwind():
    incumbent = Claim.objects.get(partner__name="Contoso", tenant__name="Tailwind Traders", status=Status.APPROVED)
    challenger = Claim.objects.get(partner__name="Fabrikam", tenant__name="Tailwind Traders", status=Status.SUBMITTED)
    case = ArbitrationCase.objects.get(claims=challenger, status=CaseStatus.OPEN)
    return case, incumbent, challenger


def no_serious_violations(page, label):
    serious = blocking(run_axe(page, label))
    assert not serious, f"{label}:\n{describe(serious)}"


def award(reviewer, winner, reason):
    box = reviewer.locator("#award")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    box.locator(f"input[name=winner][value='{winner.pk}']").check()
    box.locator("#id_award-reason").fill(reason)
    reviewer.once("dialog", lambda dialog: dialog.accept())  # "Award the association…?"
    box.get_by_role("button", name="Award").click()


def test_incumbent_answers_in_arbitration_and_wins(actors, tmp_path):
    case, incumbent, challenger = tailwind()
    fabrikam_secrets = secrets_of("Fabrikam")
    contoso_secrets = secrets_of("Contoso", extra_files=["tailwind-golive-signoff.pdf"])
    signoff = pdf_file(tmp_path, "tailwind-golive-signoff.pdf", "Tailwind Traders dated go-live sign-off")

    # The reviewer asks every partner of the case at once.
    reviewer = actors("reviewer1", bypass_csp=True)  # for axe-core
    reviewer.goto(f"/arbitration/{case.pk}/")
    request = reviewer.locator("#request-info")
    request.locator("summary").click()
    expect(request.locator(f"input[name=claims][value='{incumbent.pk}']")).to_be_checked()
    expect(request.locator(f"input[name=claims][value='{challenger.pk}']")).to_be_checked()
    request.get_by_label("Dates missing or older than 12 months").check()
    question = "Please send a dated document, signed by Tailwind Traders, that shows your presales work."
    request.locator("#id_info-message").fill(question)
    request.get_by_role("button", name="Send the request").click()
    expect(reviewer.locator(f"#col-{challenger.pk} .col-pills .pill").first).to_have_text("Partner action required")
    expect(reviewer.locator(f"#col-{incumbent.pk} .col-pills .pill").first).to_have_text("Approved")
    expect(reviewer.locator(f"#col-{incumbent.pk} .col-request")).to_contain_text("Waiting for the answer")
    settle(reviewer)

    # Contoso: still approved, a banner with the request and its answer date, no threat.
    contoso = actors("contoso.admin", bypass_csp=True)  # for axe-core
    contoso.goto(f"/claims/{incumbent.pk}/")
    expect(contoso.locator(".page-head h1 .pill")).to_have_text("Approved")
    banner = contoso.locator(".case-request-notice")
    expect(banner).to_contain_text("Microsoft needs more information from you to decide the competing claims.")
    expect(banner).to_contain_text("What is missing: Dates missing or older than 12 months.")
    expect(banner).to_contain_text(question)
    expect(banner.locator(".case-request-due")).to_contain_text("Answer by")
    expect(banner.locator(".case-request-due .sla")).to_contain_text("5 business days left")
    expect(banner).to_contain_text("Your association stays valid until Microsoft decides")
    assert "rejected automatically" not in contoso.content()
    expect(contoso.locator(".competing-notice")).to_have_count(0)  # the banner is the competing notice
    no_serious_violations(contoso, "incumbent asked for information (claim page)")
    contoso.goto("/notifications/")
    asked = contoso.locator(".notif-list li.notif").first  # newest first
    expect(asked).to_contain_text(
        f"Microsoft needs more information on claim “{incumbent.name}” ({incumbent.reference}) "
        "to decide the competing claims"
    )
    expect(asked).to_contain_text("Answer by")
    expect(asked).not_to_contain_text("rejected automatically")
    assert_nothing_of(contoso, incumbent, fabrikam_secrets)

    # Contoso answers with the signed document.
    contoso.goto(f"/claims/{incumbent.pk}/")
    contoso.get_by_role("link", name="Answer Microsoft").click()
    form = contoso.locator("#case-answer")
    form.get_by_label("Your answer to Microsoft").fill("The dated go-live sign-off, signed by Tailwind, is attached.")
    form.locator("input[type=file]").set_input_files(str(signoff))
    with contoso.expect_navigation():
        form.get_by_role("button", name="Send answer").click()
    expect(contoso.locator(".messages")).to_contain_text("Your answer was sent to Microsoft.")
    expect(contoso.locator(".page-head h1 .pill")).to_have_text("Approved")
    expect(contoso.locator(".case-request-notice")).to_have_count(0)
    expect(contoso.locator(".competing-notice")).to_have_count(1)
    expect(contoso.locator("#poe")).to_contain_text(signoff.name)
    assert CaseClaim.objects.get(case=case, claim=incumbent).info_answered_at is not None

    # The reviewer sees the answer; Fabrikam still owes one, so the award is refused…
    reviewer.reload()
    expect(reviewer.locator(f"#col-{incumbent.pk} .col-request")).to_contain_text("Answered")
    expect(reviewer.locator(f"#col-{incumbent.pk} .poe-list li.is-newest .poe-name")).to_have_text(signoff.name)
    reason = "Contoso's dated go-live sign-off settles it."
    award(reviewer, incumbent, reason)
    waiting = reviewer.locator("#award-waiting")
    expect(waiting).to_contain_text("Still waiting for answers")
    expect(waiting).to_contain_text(challenger.reference)
    expect(reviewer.locator("#award .form-error")).to_contain_text(
        f"{challenger.reference} is still waiting for its partner's answer."
    )
    expect(reviewer.locator("#id_award-reason")).to_have_value(reason)  # what was typed is kept
    assert ArbitrationCase.objects.get(pk=case.pk).status == CaseStatus.OPEN
    settle(reviewer)
    no_serious_violations(reviewer, "arbitration case: award waiting for an answer")

    # …until the reviewer decides without waiting.
    reviewer.locator("#id_award-despite_waiting").check()
    reviewer.once("dialog", lambda dialog: dialog.accept())
    reviewer.locator("#award").get_by_role("button", name="Award").click()
    expect(reviewer.locator("#case-head h1 .pill")).to_have_text("Decided")
    settle(reviewer)

    # Contoso, the winner, is told in its thread and its notifications, without Fabrikam.
    contoso.reload()
    expect(contoso.locator(".page-head h1 .pill")).to_have_text("Approved")
    expect(contoso.locator("#thread")).to_contain_text(
        "Microsoft decided the competing claims for this customer and product in favour of this claim: its "
        "association stays valid."
    )
    contoso.goto("/notifications/")
    expect(contoso.locator(".notif-list li.notif").first).to_contain_text(
        f"Microsoft decided the competing claims for this customer and product in favour of claim "
        f"“{incumbent.name}” ({incumbent.reference}): its association stays valid."
    )
    assert_nothing_of(contoso, incumbent, fabrikam_secrets)

    # Fabrikam lost, and learns nothing of Contoso.
    fabrikam = actors("fabrikam.admin")
    fabrikam.goto(f"/claims/{challenger.pk}/")
    expect(fabrikam.locator(".page-head h1 .pill")).to_have_text("Rejected")
    expect(fabrikam.locator(".notice", has_text="Rejected:")).to_contain_text("Competing claim awarded")
    assert_nothing_of(fabrikam, challenger, contoso_secrets)

    challenger.refresh_from_db()
    assert (challenger.status, challenger.decision_reason) == (
        Status.REJECTED,
        RejectionReason.COMPETING_CLAIM_AWARDED,
    )


def test_the_newcomer_who_wins_is_told(actors):
    case, incumbent, challenger = tailwind()
    contoso_secrets = secrets_of("Contoso")
    fabrikam_secrets = secrets_of("Fabrikam")

    reviewer = actors("reviewer1")
    reviewer.goto(f"/arbitration/{case.pk}/")
    expect(reviewer.locator("#award-waiting")).to_have_count(0)  # nobody owes an answer: no warning
    award(reviewer, challenger, "Fabrikam's signed acknowledgement is the only dated one.")
    expect(reviewer.locator("#case-head h1 .pill")).to_have_text("Decided")
    settle(reviewer)

    fabrikam = actors("fabrikam.admin")
    fabrikam.goto(f"/claims/{challenger.pk}/")
    expect(fabrikam.locator(".page-head h1 .pill")).to_have_text("Approved")
    expect(fabrikam.locator("#thread")).to_contain_text(
        "Microsoft decided the competing claims for this customer and product in favour of this claim: it is approved."
    )
    fabrikam.goto("/notifications/")
    expect(fabrikam.locator(".notif-list li.notif").first).to_contain_text(
        f"Claim “{challenger.name}” ({challenger.reference}) was approved: Microsoft decided the competing claims "
        "for this customer and product in its favour."
    )
    assert_nothing_of(fabrikam, challenger, contoso_secrets)

    contoso = actors("contoso.admin")
    contoso.goto(f"/claims/{incumbent.pk}/")
    expect(contoso.locator(".page-head h1 .pill")).to_have_text("Ended")
    expect(contoso.locator(".notice", has_text="Association ended:")).to_contain_text("Awarded to a competing claim")
    assert_nothing_of(contoso, incumbent, fabrikam_secrets)
    incumbent.refresh_from_db()
    assert (incumbent.status, incumbent.end_reason) == (Status.ENDED, EndReason.DISPLACED_BY_COMPETING_CLAIM)
