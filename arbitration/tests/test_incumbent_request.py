"""An approved incumbent asked for information in arbitration: its approval is not at stake
until the award, so the request waits on its case link with an answer date and no automatic
rejection; its partner answers with ``arbitration_answer``, and the reviewer hears of it."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from arbitration.models import CaseClaim
from arbitration.selectors import case_columns, incumbent_request
from arbitration.services import arbitration_answer, arbitration_award, arbitration_reopen, arbitration_request_info
from audit.models import AuditEvent
from claims.errors import ClaimChanged, ClaimError, InvalidTransition, NotAllowed
from claims.jobs.sweep import run_sla_sweep
from claims.models import Claim, Comment, InfoRequestReason
from claims.states import Status
from lib.business_days import business_days_after
from notifications.models import Notification
from notifications.texts import notification_sentence

REASONS = [InfoRequestReason.NO_CUSTOMER_ACK, InfoRequestReason.DATES]


def link_of(case, claim) -> CaseClaim:
    return CaseClaim.objects.get(case=case, claim=claim)


def ask(case, user, *claims, message="Contoso: send the dated go-live sign-off."):
    case.refresh_from_db()
    return arbitration_request_info(
        case=case, user=user, claim_ids=[c.pk for c in claims], reasons=REASONS, message=message
    )


def test_the_incumbent_keeps_its_approval_and_gets_an_answer_date(contested, reviewer1, contoso_admin):
    case, incumbent, _challenger = contested
    version = incumbent.version
    before = timezone.now()
    ask(case, reviewer1, incumbent)
    incumbent.refresh_from_db()
    assert incumbent.status == Status.APPROVED and incumbent.due_at is None  # no claim deadline, no sweep
    assert incumbent.version == version + 1
    link = link_of(case, incumbent)
    assert link.info_request_open and link.info_requested_by == reviewer1
    assert business_days_after(before, settings.SERVICE_DAYS_PARTNER_ANSWER) <= link.info_due_at
    assert link.info_due_at <= business_days_after(timezone.now(), settings.SERVICE_DAYS_PARTNER_ANSWER)
    comment = Comment.objects.get(claim=incumbent, code="case_info_requested")
    assert comment.body == "Contoso: send the dated go-live sign-off." and not comment.internal
    event = AuditEvent.objects.get(action="arbitration.case.info_requested", claim=incumbent)
    assert event.data["incumbent"] is True
    assert dt.datetime.fromisoformat(event.data["due_at"]) == link.info_due_at
    (note,) = Notification.objects.filter(kind="info_requested", claim=incumbent)
    assert note.recipient == contoso_admin
    sentence = notification_sentence(note)
    assert incumbent.reference in sentence and "Answer by" in sentence
    assert "rejected automatically" not in sentence and "stays valid" in sentence


def test_a_passed_answer_date_rejects_nothing(contested, reviewer1):
    case, incumbent, _challenger = contested
    ask(case, reviewer1, incumbent)
    due = link_of(case, incumbent).info_due_at
    run_sla_sweep(now=due + dt.timedelta(days=3))
    incumbent.refresh_from_db()
    assert incumbent.status == Status.APPROVED
    assert not Notification.objects.filter(claim=incumbent, kind="partner_reminder").exists()


def test_an_incumbent_with_an_open_request_is_not_asked_again(contested, reviewer1):
    case, incumbent, challenger = contested
    ask(case, reviewer1, incumbent, message="first")
    columns = {c.claim.pk: c for c in case_columns(case)}
    assert columns[incumbent.pk].awaits_answer and not columns[incumbent.pk].requestable
    assert columns[challenger.pk].requestable
    with pytest.raises(ClaimError, match="already waiting"):
        ask(case, reviewer1, challenger, incumbent, message="second")
    # all or nothing: the challenger was not asked either
    assert not Comment.objects.filter(claim=challenger, code="info_requested").exists()
    assert Claim.objects.get(pk=challenger.pk).status == Status.SUBMITTED


def test_the_partner_answers(contested, reviewer1, reviewer2, contoso_admin):
    case, incumbent, _challenger = contested
    ask(case, reviewer1, incumbent)
    case.refresh_from_db()
    case_version, claim_version = case.version, Claim.objects.get(pk=incumbent.pk).version
    arbitration_answer(
        claim=incumbent, user=contoso_admin, message="  The sign-off is attached.  ", expected_version=claim_version
    )
    incumbent.refresh_from_db()
    case.refresh_from_db()
    assert incumbent.status == Status.APPROVED and incumbent.version == claim_version + 1
    assert case.version == case_version + 1
    link = link_of(case, incumbent)
    assert link.info_answered_at is not None and not link.info_request_open
    answer = Comment.objects.get(claim=incumbent, code="case_info_answered")
    assert answer.body == "The sign-off is attached." and answer.author == contoso_admin and not answer.internal
    assert AuditEvent.objects.filter(action="arbitration.case.info_answered", claim=incumbent, case=case).exists()
    # The reviewer who asked hears of it (the case has no assignee)
    assert list(Notification.objects.filter(kind="partner_responded").values_list("recipient_id", flat=True)) == [
        reviewer1.pk
    ]
    assert incumbent_request(incumbent) is None
    # Answered: it can be asked again
    ask(case, reviewer1, incumbent, message="one more thing")
    assert link_of(case, incumbent).info_request_open


def test_the_case_assignee_hears_of_the_answer(contested, reviewer1, reviewer2, contoso_admin):
    from arbitration.services import arbitration_assign

    case, incumbent, _challenger = contested
    arbitration_assign(case=case, user=reviewer2, assignee=reviewer2)
    ask(case, reviewer1, incumbent)
    arbitration_answer(claim=incumbent, user=contoso_admin, message="Attached.")
    recipients = Notification.objects.filter(kind="partner_responded").values_list("recipient_id", flat=True)
    assert list(recipients) == [reviewer2.pk]


def test_answer_refusals(contested, reviewer1, contoso_admin, contoso_viewer, fabrikam_admin):
    case, incumbent, _challenger = contested
    with pytest.raises(InvalidTransition, match="not waiting"):
        arbitration_answer(claim=incumbent, user=contoso_admin, message="unasked")
    ask(case, reviewer1, incumbent)
    incumbent.refresh_from_db()
    with pytest.raises(NotAllowed):
        arbitration_answer(claim=incumbent, user=contoso_viewer, message="read-only")
    with pytest.raises(NotAllowed):
        arbitration_answer(claim=incumbent, user=fabrikam_admin, message="the competitor")
    with pytest.raises(ClaimError, match="Write your answer"):
        arbitration_answer(claim=incumbent, user=contoso_admin, message="  ")
    with pytest.raises(ClaimChanged):
        arbitration_answer(claim=incumbent, user=contoso_admin, message="stale", expected_version=incumbent.version - 1)
    assert link_of(case, incumbent).info_request_open
    assert not Comment.objects.filter(claim=incumbent, code="case_info_answered").exists()
    arbitration_answer(claim=incumbent, user=contoso_admin, message="Attached.")
    with pytest.raises(InvalidTransition, match="not waiting"):
        arbitration_answer(claim=incumbent, user=contoso_admin, message="twice")


def test_a_decided_case_takes_no_answer(contested, reviewer1, contoso_admin):
    case, incumbent, _challenger = contested
    ask(case, reviewer1, incumbent)
    case.refresh_from_db()
    arbitration_award(case=case, user=reviewer1, winner=incumbent, reason="r", despite_waiting=True)
    assert incumbent_request(Claim.objects.get(pk=incumbent.pk)) is None
    with pytest.raises(InvalidTransition, match="not waiting"):
        arbitration_answer(claim=incumbent, user=contoso_admin, message="too late")


def test_a_reopened_case_starts_without_the_old_request(contested, reviewer1, lead, contoso_admin):
    case, incumbent, _challenger = contested
    ask(case, reviewer1, incumbent)
    case.refresh_from_db()
    arbitration_award(case=case, user=reviewer1, winner=incumbent, reason="r", despite_waiting=True)
    case.refresh_from_db()
    arbitration_reopen(case=case, user=lead, reason="Wrong call")
    link = link_of(case, incumbent)
    assert link.is_incumbent and link.info_requested_at is None and not link.info_request_open
    assert incumbent_request(Claim.objects.get(pk=incumbent.pk)) is None
    # the request stays on record in the thread and the audit log
    assert Comment.objects.filter(claim=incumbent, code="case_info_requested").exists()
    assert AuditEvent.objects.filter(action="arbitration.case.info_requested", claim=incumbent).exists()


def test_notification_sentences_for_each_side(contested):
    _case, incumbent, challenger = contested
    reasons = {"reasons": ["dates"]}
    challenger_note = Notification(kind="info_requested", claim=challenger, data=reasons)
    assert "rejected automatically" in notification_sentence(challenger_note)
    # A request written before the answer date was kept: no date, and still no threat
    undated = Notification(kind="info_requested", claim=incumbent, data={**reasons, "incumbent": True})
    sentence = notification_sentence(undated)
    assert "rejected automatically" not in sentence and "Answer by" not in sentence and "stays valid" in sentence
