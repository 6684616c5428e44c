"""Requesting more information on a case: from one partner or from all at once. Each partner
sees only its own request, in its own claim's comments; claims awaiting a decision go to
partner-action-required with the usual deadline; an approved incumbent keeps its approval."""

import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from arbitration.forms import encode_versions
from arbitration.models import ArbitrationCase
from arbitration.services import arbitration_request_info
from arbitration.tests.helpers import htmx
from claims.errors import ClaimChanged, ClaimError, NotAllowed
from claims.models import Claim, Comment, DueKind, InfoRequestReason
from claims.states import Status
from lib.business_days import business_days_after
from notifications.models import Notification
from tests.helpers import login

REASONS = [InfoRequestReason.NO_CUSTOMER_ACK, InfoRequestReason.DATES]


def requests_on(claim):
    requests = Comment.objects.filter(claim=claim, code__in=["info_requested", "case_info_requested"])
    return list(requests.values_list("body", flat=True))


def post_data(case, claims, message):
    every = list(Claim.objects.filter(case_links__case=case).order_by("pk"))
    return {
        "version": case.version,
        "claim_versions": encode_versions(every),
        "claims": [c.pk for c in claims],
        "reasons": REASONS,
        "message": message,
    }


URL = "arbitration:request_info"


def test_ask_the_challenger_only(client, contested, reviewer1, contoso_admin, fabrikam_admin):
    case, incumbent, challenger = contested
    login(client, reviewer1)
    before = timezone.now()
    response = client.post(reverse(URL, args=[case.pk]), post_data(case, [challenger], "Fabrikam: send the sign-off."))
    assert response.status_code == 302
    challenger.refresh_from_db()
    incumbent.refresh_from_db()
    # submitted → review started → action_required, with 5 business days to answer
    assert challenger.status == Status.ACTION_REQUIRED and challenger.due_kind == DueKind.PARTNER_RESPONSE
    assert business_days_after(before, settings.SERVICE_DAYS_PARTNER_ANSWER) <= challenger.due_at
    assert challenger.due_at <= business_days_after(timezone.now(), settings.SERVICE_DAYS_PARTNER_ANSWER)
    assert challenger.review_started_at is not None
    assert requests_on(challenger) == ["Fabrikam: send the sign-off."]
    # Contoso is untouched: no request, no notification, still approved
    assert incumbent.status == Status.APPROVED and requests_on(incumbent) == []
    assert not Notification.objects.filter(recipient=contoso_admin, kind="info_requested").exists()
    requested = Notification.objects.filter(kind="info_requested", claim=challenger)
    assert list(requested.values_list("recipient_id", flat=True)) == [fabrikam_admin.pk]
    # Each partner's page: Fabrikam sees its request; Contoso sees nothing of it
    login(client, fabrikam_admin)
    assert "Fabrikam: send the sign-off." in client.get(reverse("claims:detail", args=[challenger.pk])).content.decode()
    login(client, contoso_admin)
    assert "send the sign-off" not in client.get(reverse("claims:detail", args=[incumbent.pk])).content.decode()
    assert "send the sign-off" not in client.get(reverse("notifications:list")).content.decode()


def test_ask_everyone_at_once(client, contested, reviewer1, contoso_admin, fabrikam_admin):
    case, incumbent, challenger = contested
    login(client, reviewer1)
    data = post_data(case, [incumbent, challenger], "Both: send the customer's sign-off.")
    response = client.post(reverse(URL, args=[case.pk]), data, **htmx())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "Each partner sees only its own request" in html
    assert "HX-Request" in response["Vary"] and "caseUpdated" in response["HX-Trigger"]
    incumbent.refresh_from_db()
    challenger.refresh_from_db()
    assert challenger.status == Status.ACTION_REQUIRED
    assert incumbent.status == Status.APPROVED  # an owner cannot be put on hold; it is asked in its comments
    for claim, partner_user, code in (
        (incumbent, contoso_admin, "case_info_requested"),
        (challenger, fabrikam_admin, "info_requested"),
    ):
        comment = Comment.objects.get(claim=claim, code=code)
        assert comment.body == "Both: send the customer's sign-off." and not comment.internal
        # a claim put on hold keeps the service time it was given with its comment
        days = {"days": settings.SERVICE_DAYS_PARTNER_ANSWER} if code == "info_requested" else {}
        assert comment.data == {"reasons": [str(r) for r in REASONS], **days}
        notes = Notification.objects.filter(kind="info_requested", claim=claim)
        assert [n.recipient_id for n in notes] == [partner_user.pk]
    # Each partner's notifications name only its own claim
    for partner_user, own in ((contoso_admin, incumbent), (fabrikam_admin, challenger)):
        claims = set(Notification.objects.filter(recipient=partner_user).values_list("claim_id", flat=True))
        assert claims == {own.pk}
    case.refresh_from_db()
    assert case.version == 2


def test_the_incumbent_sees_its_request_on_its_page(client, contested, reviewer1, contoso_admin):
    case, incumbent, _challenger = contested
    arbitration_request_info(
        case=case, user=reviewer1, claim_ids=[incumbent.pk], reasons=REASONS, message="Contoso: show the go-live."
    )
    login(client, contoso_admin)
    html = client.get(reverse("claims:detail", args=[incumbent.pk])).content.decode()
    assert "Contoso: show the go-live." in html
    assert "Microsoft needs more information" in html


def test_a_waiting_claim_cannot_be_asked_again_and_nothing_is_sent(contested, reviewer1):
    case, incumbent, challenger = contested
    arbitration_request_info(case=case, user=reviewer1, claim_ids=[challenger.pk], reasons=REASONS, message="first")
    case.refresh_from_db()
    with pytest.raises(ClaimError):
        arbitration_request_info(
            case=case, user=reviewer1, claim_ids=[incumbent.pk, challenger.pk], reasons=REASONS, message="second"
        )
    assert requests_on(incumbent) == []  # all or nothing
    assert requests_on(challenger) == ["first"]


def test_service_refusals(contested, reviewer1, fabrikam_admin, draft):
    case, incumbent, challenger = contested
    with pytest.raises(NotAllowed):
        arbitration_request_info(
            case=case, user=fabrikam_admin, claim_ids=[challenger.pk], reasons=REASONS, message="m"
        )
    with pytest.raises(ClaimError):
        arbitration_request_info(case=case, user=reviewer1, claim_ids=[challenger.pk], reasons=[], message="m")
    with pytest.raises(ClaimError):
        arbitration_request_info(case=case, user=reviewer1, claim_ids=[challenger.pk], reasons=REASONS, message=" ")
    with pytest.raises(ClaimError):
        arbitration_request_info(case=case, user=reviewer1, claim_ids=[draft.pk], reasons=REASONS, message="m")
    with pytest.raises(ClaimChanged):
        arbitration_request_info(
            case=case,
            user=reviewer1,
            claim_ids=[challenger.pk],
            reasons=REASONS,
            message="m",
            expected_claim_versions={challenger.pk: challenger.version - 1},
        )
    assert Claim.objects.get(pk=challenger.pk).status == Status.SUBMITTED


def test_form_errors_keep_what_was_typed(client, contested, reviewer1):
    case, _incumbent, challenger = contested
    login(client, reviewer1)
    data = post_data(case, [challenger], "Half a message")
    data["reasons"] = []
    response = client.post(reverse(URL, args=[case.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one reason for the request." in html and "Half a message" in html
    assert Claim.objects.get(pk=challenger.pk).status == Status.SUBMITTED


def test_stale_form_is_refused(client, contested, reviewer1, fabrikam_admin):
    case, _incumbent, challenger = contested
    data = post_data(case, [challenger], "Please send the sign-off.")
    from claims.services import comment_add, poe_attach

    poe_attach(
        claim=challenger,
        user=fabrikam_admin,
        name="more.pdf",
        file=ContentFile(b"%PDF-1.4 m"),
        content_type="application/pdf",
    )
    comment_add(claim=challenger, user=fabrikam_admin, body="added more")
    login(client, reviewer1)
    response = client.post(reverse(URL, args=[case.pk]), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "This case changed — reload" in html and "Please send the sign-off." in html
    assert Claim.objects.get(pk=challenger.pk).status == Status.SUBMITTED


def test_ask_link_preselects_one_partner(client, contested, reviewer1):
    case, incumbent, challenger = contested
    login(client, reviewer1)
    html = client.get(reverse("arbitration:case", args=[case.pk]), {"ask": challenger.pk}).content.decode()

    def ticked(page, claim):
        return re.search(rf'value="{claim.pk}" data-ask-box id="id_info-claims_\d+" checked', page) is not None

    assert ticked(html, challenger)
    assert not ticked(html, incumbent)
    everyone = client.get(reverse("arbitration:case", args=[case.pk])).content.decode()
    assert ticked(everyone, incumbent)
    assert ticked(everyone, challenger)


def test_decided_case_takes_no_requests(client, contested, reviewer1):
    from arbitration.services import arbitration_award

    case, incumbent, challenger = contested
    data = post_data(case, [challenger], "Too late")
    arbitration_award(case=case, user=reviewer1, winner=incumbent, reason="r")
    login(client, reviewer1)
    response = client.post(reverse(URL, args=[case.pk]), data)
    assert response.status_code == 409
    assert "decided by someone else meanwhile" in response.content.decode()
    assert requests_on(challenger) == []
    assert ArbitrationCase.objects.get(pk=case.pk).status == "decided"
