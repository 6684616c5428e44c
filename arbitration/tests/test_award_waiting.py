"""The award while a party still owes an answer: refused (code ``awaiting_answers``) unless the
reviewer decides without waiting, on the service and on the case screen."""

import pytest
from django.urls import reverse

from arbitration.forms import encode_versions
from arbitration.models import ArbitrationCase, CaseStatus
from arbitration.services import arbitration_answer, arbitration_award, arbitration_request_info
from arbitration.tests.helpers import htmx
from audit.models import AuditEvent
from claims.errors import ClaimError
from claims.models import Claim, InfoRequestReason
from claims.states import Status
from tests.helpers import login

REASONS = [InfoRequestReason.DATES]


def ask(case, user, *claims):
    case.refresh_from_db()
    arbitration_request_info(case=case, user=user, claim_ids=[c.pk for c in claims], reasons=REASONS, message="m")
    case.refresh_from_db()


def award_data(case, winner, **extra):
    case.refresh_from_db()
    every = Claim.objects.filter(case_links__case=case).order_by("pk")
    return {
        "version": case.version,
        "claim_versions": encode_versions(every),
        "winner": winner.pk,
        "reason": "Signed and dated.",
        **extra,
    }


@pytest.mark.parametrize("asked", ["challenger", "incumbent"])
def test_refused_while_a_party_owes_an_answer(contested, reviewer1, asked):
    case, incumbent, challenger = contested
    ask(case, reviewer1, incumbent if asked == "incumbent" else challenger)
    waiting = incumbent if asked == "incumbent" else challenger
    with pytest.raises(ClaimError, match="still waiting for its partner's answer") as refused:
        arbitration_award(case=case, user=reviewer1, winner=incumbent, reason="r")
    assert refused.value.code == "awaiting_answers" and waiting.reference in str(refused.value.message)
    assert ArbitrationCase.objects.get(pk=case.pk).status == CaseStatus.OPEN
    assert Claim.objects.get(pk=incumbent.pk).status == Status.APPROVED


def test_both_waiting_are_named(contested, reviewer1):
    case, incumbent, challenger = contested
    ask(case, reviewer1, incumbent, challenger)
    with pytest.raises(ClaimError, match="are still waiting for their partners' answers") as refused:
        arbitration_award(case=case, user=reviewer1, winner=challenger, reason="r")
    assert incumbent.reference in str(refused.value.message) and challenger.reference in str(refused.value.message)


def test_decided_without_waiting_when_the_reviewer_says_so(contested, reviewer1):
    case, incumbent, challenger = contested
    ask(case, reviewer1, challenger)
    arbitration_award(case=case, user=reviewer1, winner=incumbent, reason="r", despite_waiting=True)
    challenger.refresh_from_db()
    assert ArbitrationCase.objects.get(pk=case.pk).status == CaseStatus.DECIDED
    assert challenger.status == Status.REJECTED
    event = AuditEvent.objects.get(action="arbitration.case.awarded")
    assert event.data["despite_waiting"] == [challenger.pk]


def test_an_answered_request_no_longer_holds_the_award(contested, reviewer1, contoso_admin):
    case, incumbent, challenger = contested
    ask(case, reviewer1, incumbent)
    arbitration_answer(claim=incumbent, user=contoso_admin, message="Attached.")
    case.refresh_from_db()
    arbitration_award(case=case, user=reviewer1, winner=incumbent, reason="r")
    assert "despite_waiting" not in AuditEvent.objects.get(action="arbitration.case.awarded").data


def test_the_case_screen_warns_and_asks_for_the_confirmation(client, contested, reviewer1):
    case, incumbent, challenger = contested
    login(client, reviewer1)
    html = client.get(reverse("arbitration:case", args=[case.pk])).content.decode()
    assert "Still waiting for answers" not in html and 'name="despite_waiting"' not in html
    ask(case, reviewer1, incumbent, challenger)
    html = client.get(reverse("arbitration:case", args=[case.pk])).content.decode()
    warning = html[html.index('id="award-waiting"') :]
    warning = warning[: warning.index("</div>")]
    assert "Still waiting for answers" in warning and 'name="despite_waiting"' in warning
    assert incumbent.reference in warning and challenger.reference in warning and "answer due" in warning
    # The incumbent's column says it waits for the answer; neither can be asked again
    assert "Waiting for the answer" in html and "Ask only this partner" not in html


def test_the_award_form_refuses_then_decides_with_the_box_ticked(client, contested, reviewer1):
    case, incumbent, challenger = contested
    ask(case, reviewer1, challenger)
    login(client, reviewer1)
    url = reverse("arbitration:award", args=[case.pk])
    response = client.post(url, award_data(case, incumbent), **htmx())
    assert response.status_code == 200
    html = response.content.decode()
    assert "is still waiting for its partner" in html and "Signed and dated." in html  # what was typed is kept
    assert ArbitrationCase.objects.get(pk=case.pk).status == CaseStatus.OPEN
    response = client.post(url, award_data(case, incumbent, despite_waiting="1"))
    assert response.status_code == 302
    assert ArbitrationCase.objects.get(pk=case.pk).status == CaseStatus.DECIDED
    assert Claim.objects.get(pk=challenger.pk).status == Status.REJECTED
