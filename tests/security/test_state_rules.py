"""Every write endpoint enforces the rule the page shows, from the one table in
``claims.states`` (with ``claims.transitions.permitted``), and no write is applied blind:

- PoE: a rejected claim takes new files only with its dispute, and only while the dispute is
  possible; after the 30-day window or a final rejection neither the upload nor the dispute
  form stores anything, posts a comment or notifies anyone;
- comments: withdrawn, ended and finally rejected claims have a closed conversation, for the
  partner and for a reviewer's reply; reviewers' internal notes stay possible;
- versions: every partner, reviewer and arbitration write form posts the version it was drawn
  from; a post without one (or with a tampered one) is refused as a stale form and changes
  nothing.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from arbitration.models import ArbitrationCase
from claims import services
from claims.models import Claim, Comment, PoeFile
from claims.states import Status
from claims.tests.test_uploads import pdf_bytes, upload
from notifications.models import Notification
from tests.helpers import current_version, login
from tests.security.conftest import tally


def _rejected(draft, contoso_admin, reviewer1):
    claim, _w = services.claim_submit(claim=draft, user=contoso_admin)
    claim = services.claim_start_review(claim=claim, user=reviewer1)
    return services.claim_reject(claim=claim, user=reviewer1, reason="insufficient_poe", message="Unsigned.")


@pytest.fixture
def window_closed(draft, contoso_admin, reviewer1):
    claim = _rejected(draft, contoso_admin, reviewer1)
    Claim.objects.filter(pk=claim.pk).update(dispute_until=timezone.now() - dt.timedelta(days=1))
    return Claim.objects.get(pk=claim.pk)


@pytest.fixture
def finally_rejected(draft, contoso_admin, reviewer1):
    claim = _rejected(draft, contoso_admin, reviewer1)
    claim = services.claim_dispute(claim=claim, user=contoso_admin, justification="Signed on page 2.")
    return services.claim_reject(claim=claim, user=reviewer1, reason="insufficient_poe", message="Still unsigned.")


@pytest.fixture
def withdrawn(draft, contoso_admin):
    claim, _w = services.claim_submit(claim=draft, user=contoso_admin)
    return services.claim_withdraw(claim=claim, user=contoso_admin, reason="Wrong customer")


@pytest.fixture
def ended(draft, contoso_admin, reviewer1):
    claim, _w = services.claim_submit(claim=draft, user=contoso_admin)
    claim = services.claim_start_review(claim=claim, user=reviewer1)
    claim = services.claim_approve(claim=claim, user=reviewer1)
    return services.claim_end(claim=claim, user=contoso_admin, reason="partner_disassociated", message="Project done.")


def _footprint(claim):
    return (
        PoeFile.objects.filter(claim=claim).count(),
        Comment.objects.filter(claim=claim).count(),
        Notification.objects.count(),
        current_version(claim),
    )


# --- PoE on a rejected claim --------------------------------------------------------------------


@pytest.mark.parametrize("which", ["window_closed", "finally_rejected"])
def test_no_poe_once_the_rejection_cannot_be_disputed(request, client, contoso_admin, which):
    claim = request.getfixturevalue(which)
    login(client, contoso_admin)
    page = client.get(reverse("claims:detail", args=[claim.pk]))
    assert not page.context["can_add_poe"] and not page.context["can_dispute"]
    before = _footprint(claim)
    for view, extra in (("claims:poe_add", {}), ("claims:dispute", {"justification": "Here is the signature."})):
        data = {"version": current_version(claim), "poe": [upload("signed.pdf", pdf_bytes())], **extra}
        response = client.post(reverse(view, args=[claim.pk]), data)
        assert response.status_code == 200, view
        errors = " ".join(
            str(e) for e in response.context[f"{view.split(':')[1].split('_')[0]}_form"].non_field_errors()
        )
        expected = "final" if which == "finally_rejected" else "dispute window has closed"
        assert expected in errors, (view, errors)
        tally("state rules", 1)
    assert _footprint(claim) == before
    assert Claim.objects.get(pk=claim.pk).status == Status.REJECTED


def test_poe_comes_with_the_dispute_while_it_is_open(client, contoso_admin, draft, reviewer1):
    claim = _rejected(draft, contoso_admin, reviewer1)
    login(client, contoso_admin)
    page = client.get(reverse("claims:detail", args=[claim.pk]))
    assert page.context["can_dispute"] and not page.context["can_add_poe"]
    data = {"version": current_version(claim), "justification": "Signed.", "poe": [upload("s.pdf", pdf_bytes())]}
    assert client.post(reverse("claims:dispute", args=[claim.pk]), data).status_code == 302
    claim.refresh_from_db()
    assert claim.status == Status.DISPUTED and claim.poe_files.count() == 2


# --- comments on finished claims -----------------------------------------------------------------


@pytest.mark.parametrize("which", ["withdrawn", "ended", "window_closed", "finally_rejected"])
def test_the_conversation_of_a_finished_claim_is_closed(request, client, contoso_admin, reviewer1, which):
    claim = request.getfixturevalue(which)
    login(client, contoso_admin)
    page = client.get(reverse("claims:detail", args=[claim.pk]))
    assert not page.context["can_comment"] and page.context["thread_closed"]
    assert "conversation is closed" in page.content.decode()
    before = _footprint(claim)
    response = client.post(reverse("claims:comment", args=[claim.pk]), {"body": "Please reconsider."})
    assert response.status_code == 200
    assert "conversation is closed" in response.content.decode()

    login(client, reviewer1)
    screen = client.get(reverse("review:claim", args=[claim.pk]))
    assert not screen.context["comment_form"].conversation_open
    assert "the conversation with the partner is closed" in screen.content.decode()
    reply = client.post(reverse("review:comment", args=[claim.pk]), {"visibility": "partner", "body": "We agree."})
    assert reply.status_code == 200
    assert _footprint(claim) == before
    with pytest.raises(services.InvalidTransition):
        services.comment_add(claim=claim, user=reviewer1, body="We agree.")
    with pytest.raises(services.InvalidTransition):
        services.comment_add(claim=claim, user=contoso_admin, body="Please reconsider.")

    note = client.post(reverse("review:comment", args=[claim.pk]), {"visibility": "internal", "body": "For the file."})
    assert note.status_code == 302
    assert Comment.objects.filter(claim=claim, internal=True, body="For the file.").exists()
    assert Notification.objects.count() == before[2]  # an internal note notifies no partner
    tally("state rules", 4)


def test_a_draft_has_no_conversation(draft, contoso_admin):
    with pytest.raises(services.InvalidTransition):
        services.comment_add(claim=draft, user=contoso_admin, body="Note to self.")


def test_an_open_claims_conversation_stays_open(client, contoso_admin, draft, reviewer1):
    claim = _rejected(draft, contoso_admin, reviewer1)  # rejected, the dispute still possible
    login(client, contoso_admin)
    assert client.get(reverse("claims:detail", args=[claim.pk])).context["can_comment"]
    response = client.post(reverse("claims:comment", args=[claim.pk]), {"body": "Why was it rejected?"})
    assert response.status_code == 302
    assert Comment.objects.filter(claim=claim, body="Why was it rejected?").exists()


# --- no write without its version ----------------------------------------------------------------

CHANGED = "This claim changed"


def _claim_in(status, draft, contoso_admin, reviewer1):
    claim, _w = services.claim_submit(claim=draft, user=contoso_admin)
    if status == Status.SUBMITTED:
        return claim
    claim = services.claim_start_review(claim=claim, user=reviewer1)
    if status == Status.ACTION_REQUIRED:
        return services.claim_request_info(claim=claim, user=reviewer1, reasons=["dates"], message="Dates?")
    if status == Status.APPROVED:
        return services.claim_approve(claim=claim, user=reviewer1)
    if status == Status.REJECTED:
        return services.claim_reject(claim=claim, user=reviewer1, reason="insufficient_poe", message="Unsigned.")
    return claim


PARTNER_WRITES = [
    ("claims:submit", Status.EDITING, {}),
    ("claims:withdraw", Status.SUBMITTED, {"reason": "Wrong customer", "confirm": "on"}),
    ("claims:end", Status.APPROVED, {"message": "Project finished.", "confirm": "on"}),
    ("claims:resubmit", Status.ACTION_REQUIRED, {"message": "Dates are on page 2."}),
    ("claims:dispute", Status.REJECTED, {"justification": "Signed on page 2."}),
    ("claims:poe_add", Status.SUBMITTED, {"poe": "FILE"}),
]


@pytest.mark.parametrize("version", ["", "x", "²", None], ids=["empty", "letters", "superscript", "absent"])
@pytest.mark.parametrize(("view", "status", "fields"), PARTNER_WRITES, ids=[w[0] for w in PARTNER_WRITES])
def test_partner_writes_need_their_version(client, contoso_admin, draft, reviewer1, view, status, fields, version):
    claim = draft if status == Status.EDITING else _claim_in(status, draft, contoso_admin, reviewer1)
    data = {k: ([upload("more.pdf", pdf_bytes())] if v == "FILE" else v) for k, v in fields.items()}
    if version is not None:
        data["version"] = version
    before = _footprint(claim)
    login(client, contoso_admin)
    response = client.post(reverse(view, args=[claim.pk]), data, follow=True)
    assert response.status_code == 200
    assert CHANGED in response.content.decode()
    typed = [v for v in fields.values() if v not in ("on", "FILE")]
    for value in typed:  # what was typed is still in the form
        assert value in response.content.decode()
    assert _footprint(claim) == before
    assert Claim.objects.get(pk=claim.pk).status == status
    tally("state rules", 1)


def test_editing_a_claim_needs_its_version(client, contoso_admin, draft):
    login(client, contoso_admin)
    page = client.get(reverse("claims:edit", args=[draft.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data["products"] = [p.pk for p in draft.products.all()]
    data["mpn"] = draft.mpn_id
    data["description"] = "A new description typed by the partner."
    data.pop("version", None)
    data["action"] = "save"
    response = client.post(reverse("claims:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert CHANGED in response.content.decode()
    assert "A new description typed by the partner." in response.content.decode()
    assert Claim.objects.get(pk=draft.pk).description != "A new description typed by the partner."


REVIEW_WRITES = [
    ("review:assign", Status.SUBMITTED, {"to_me": "1"}),
    ("review:start", Status.SUBMITTED, {}),
    ("review:request_info", Status.UNDER_REVIEW, {"reasons": ["dates"], "message": "Which dates?"}),
    ("review:approve", Status.UNDER_REVIEW, {"message": "Looks right."}),
    ("review:reject", Status.UNDER_REVIEW, {"reason": "insufficient_poe", "message": "No signature."}),
    ("review:revert", Status.APPROVED, {"reason": "Approved by mistake."}),
]


@pytest.mark.parametrize("version", ["", "①", None], ids=["empty", "circled", "absent"])
@pytest.mark.parametrize(("view", "status", "fields"), REVIEW_WRITES, ids=[w[0] for w in REVIEW_WRITES])
def test_reviewer_writes_need_their_version(
    client, contoso_admin, draft, reviewer1, lead, view, status, fields, version
):
    claim = _claim_in(status, draft, contoso_admin, reviewer1)
    data = dict(fields)
    if version is not None:
        data["version"] = version
    before = _footprint(claim)
    login(client, lead)
    response = client.post(reverse(view, args=[claim.pk]), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "This claim changed — reload" in html
    for value in fields.values():
        if isinstance(value, str) and len(value) > 3:
            assert value in html
    assert _footprint(claim) == before
    after = Claim.objects.get(pk=claim.pk)
    assert (after.status, after.assignee_id) == (status, claim.assignee_id)
    tally("state rules", 1)


@pytest.mark.parametrize("damage", [{"version": ""}, {"claim_versions": ""}, {"claim_versions": "1:²"}])
def test_arbitration_writes_need_their_versions(client, contested, reviewer1, damage):
    case, incumbent, challenger = contested
    login(client, reviewer1)
    page = client.get(reverse("arbitration:case", args=[case.pk]))
    form = page.context["forms"]["award"] if "forms" in page.context else None
    claim_versions = form.initial["claim_versions"] if form is not None else ""
    data = {
        "version": case.version,
        "claim_versions": claim_versions,
        "winner": challenger.pk,
        "reason": "Fabrikam did the workshop.",
        **damage,
    }
    response = client.post(reverse("arbitration:award", args=[case.pk]), data)
    assert response.status_code == 409
    assert "This case changed" in response.content.decode()
    assert ArbitrationCase.objects.get(pk=case.pk).status == "open"
    assert {c.status for c in Claim.objects.filter(pk__in=[incumbent.pk, challenger.pk])} == {
        incumbent.status,
        challenger.status,
    }
