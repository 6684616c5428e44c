"""The claim page of an approved incumbent asked for information in arbitration: a banner with
the answer date and no automatic-rejection threat, an answer form (with optional PoE) that keeps
the claim approved, and the competing notice once. Plus the challenger's banner without the
repeated "Microsoft needs more information"."""

import pytest
from django.urls import reverse

from arbitration.models import CaseClaim
from arbitration.services import arbitration_request_info
from claims.models import Comment, InfoRequestReason
from claims.states import Status
from claims.tests.test_uploads import png_bytes, upload
from tests.helpers import login

REASONS = [InfoRequestReason.NO_CUSTOMER_ACK, InfoRequestReason.DATES]
QUESTION = "Contoso: send the dated go-live sign-off."
ANSWER_URL = "claims:case_answer"


@pytest.fixture
def asked(contested, reviewer1):
    """``contested`` with the incumbent asked for information."""
    case, incumbent, challenger = contested
    arbitration_request_info(case=case, user=reviewer1, claim_ids=[incumbent.pk], reasons=REASONS, message=QUESTION)
    incumbent.refresh_from_db()
    return case, incumbent, challenger


def page(client, claim) -> str:
    return client.get(reverse("claims:detail", args=[claim.pk])).content.decode()


def answer_body(claim, message="The sign-off is attached.", **extra):
    return {"version": claim.version, "answer-message": message, **extra}


def test_the_banner_gives_the_request_the_date_and_no_threat(client, asked, contoso_admin):
    case, incumbent, _challenger = asked
    login(client, contoso_admin)
    html = page(client, incumbent)
    assert "Microsoft needs more information from you to decide the competing claims." in html
    assert "What is missing: No customer signature or acknowledgment; Dates missing or older than 12 months." in html
    assert QUESTION in html
    due = CaseClaim.objects.get(case=case, claim=incumbent).info_due_at
    assert "Answer by" in html and "5 business days left" in html and str(due.year) in html
    assert "rejected automatically" not in html
    assert 'id="case-answer"' in html and 'name="answer-message"' in html
    # The competing notice once: the banner carries it, the thread's entry is short
    assert "competing-notice" not in html
    assert html.count("Another partner has claimed this customer and product") == 1


def test_a_read_only_member_sees_the_banner_but_no_form(client, asked, contoso_viewer):
    _case, incumbent, _challenger = asked
    login(client, contoso_viewer)
    html = page(client, incumbent)
    assert "Microsoft needs more information from you to decide the competing claims." in html
    assert "An admin of your company must answer." in html
    assert 'id="case-answer"' not in html


def test_the_answer_with_poe_keeps_the_claim_approved(client, asked, contoso_admin, reviewer1):
    case, incumbent, _challenger = asked
    login(client, contoso_admin)
    poe_count = incumbent.poe_files.count()
    body = answer_body(incumbent, **{"answer-poe": [upload("golive.png", png_bytes())]})
    response = client.post(reverse(ANSWER_URL, args=[incumbent.pk]), body, follow=True)
    assert response.redirect_chain == [(reverse("claims:detail", args=[incumbent.pk]), 302)]
    html = response.content.decode()
    assert "Your answer was sent to Microsoft." in html
    incumbent.refresh_from_db()
    assert incumbent.status == Status.APPROVED and incumbent.poe_files.count() == poe_count + 1
    assert Comment.objects.get(claim=incumbent, code="case_info_answered").body == "The sign-off is attached."
    assert not CaseClaim.objects.get(case=case, claim=incumbent).info_request_open
    # No banner or form any more; the competing notice is back, once
    assert "to decide the competing claims." not in html and 'id="case-answer"' not in html
    assert html.count("competing-notice") == 1


def test_an_empty_answer_comes_back_with_its_error(client, asked, contoso_admin):
    _case, incumbent, _challenger = asked
    login(client, contoso_admin)
    version = incumbent.version
    response = client.post(reverse(ANSWER_URL, args=[incumbent.pk]), answer_body(incumbent, message=""))
    assert response.status_code == 200 and response.context["open_form"] == "case_answer"
    assert response.context["case_answer_form"].errors["message"] == [
        "Write your answer to Microsoft's request before you send it."
    ]
    assert "Write your answer to Microsoft&#x27;s request before you send it." in response.content.decode()
    incumbent.refresh_from_db()
    assert incumbent.version == version


def test_no_open_request_stores_no_file(client, contested, contoso_admin):
    _case, incumbent, _challenger = contested
    login(client, contoso_admin)
    poe_count = incumbent.poe_files.count()
    body = answer_body(incumbent, **{"answer-poe": [upload("golive.png", png_bytes())]})
    response = client.post(reverse(ANSWER_URL, args=[incumbent.pk]), body)
    assert response.status_code == 200
    assert "Microsoft is not waiting for an answer on this claim any more." in response.content.decode()
    assert incumbent.poe_files.count() == poe_count


def test_a_stale_form_is_refused_and_stores_nothing(client, asked, contoso_admin):
    _case, incumbent, _challenger = asked
    login(client, contoso_admin)
    poe_count = incumbent.poe_files.count()
    body = {**answer_body(incumbent), "version": incumbent.version - 1, "answer-poe": [upload("a.png", png_bytes())]}
    response = client.post(reverse(ANSWER_URL, args=[incumbent.pk]), body)
    assert response.status_code == 200
    assert "changed" in " ".join(response.context["case_answer_form"].non_field_errors())
    assert incumbent.poe_files.count() == poe_count
    assert not Comment.objects.filter(claim=incumbent, code="case_info_answered").exists()


@pytest.mark.parametrize(("who", "status_code"), [("contoso_viewer", 403), ("fabrikam_admin", 404), ("reviewer1", 404)])
def test_no_write_access_is_refused(client, request, asked, who, status_code):
    _case, incumbent, _challenger = asked
    login(client, request.getfixturevalue(who))
    response = client.post(reverse(ANSWER_URL, args=[incumbent.pk]), answer_body(incumbent))
    assert response.status_code == status_code
    assert not Comment.objects.filter(claim=incumbent, code="case_info_answered").exists()


def test_get_is_not_allowed(client, asked, contoso_admin):
    login(client, contoso_admin)
    assert client.get(reverse(ANSWER_URL, args=[asked[1].pk])).status_code == 405


def test_the_challenger_banner_says_it_once(client, contested, reviewer1, fabrikam_admin):
    case, _incumbent, challenger = contested
    arbitration_request_info(case=case, user=reviewer1, claim_ids=[challenger.pk], reasons=REASONS, message="Dates?")
    login(client, fabrikam_admin)
    html = page(client, challenger)
    banner = html[html.index("info-request-notice") :]
    banner = banner[: banner.index("</div>")]
    assert banner.count("Microsoft needs more information") == 1
    assert "What is missing: No customer signature or acknowledgment; Dates missing or older than 12 months." in banner
    assert "Dates?" in banner and "rejected automatically" in banner
    # and the competing notice once: the banner at the top, a short entry in the thread
    assert html.count("competing-notice") == 1
    assert "Microsoft is reviewing competing claims" not in html
    assert "Competing claims: Microsoft reviews the competing claims for this customer" in html


def test_the_request_and_the_answer_are_in_the_history(client, asked, contoso_admin):
    _case, incumbent, _challenger = asked
    login(client, contoso_admin)
    client.post(reverse(ANSWER_URL, args=[incumbent.pk]), answer_body(incumbent))
    response = client.get(reverse("claims:detail", args=[incumbent.pk]))
    steps = [(entry.what, entry.who) for entry in response.context["timeline"]]
    assert ("More information requested for the competing claims", "Microsoft") in steps
    answered = [who for what, who in steps if what == "Information request answered"]
    assert answered and answered[0] not in ("System", "Microsoft")
    # The other partner's side of the case never shows up in this claim's history.
    assert all("Fabrikam" not in who for _what, who in steps)
