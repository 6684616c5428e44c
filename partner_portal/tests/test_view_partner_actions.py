"""The partner's action forms on the claim page — answer (resubmit), withdraw, dispute, end —
which share one shape: access (another partner's claim 404, a read-only member 403), the bound
form, the service call, then a message and back to the claim, or the page again with that form
open and its errors, nothing done."""

import pytest
from django.urls import reverse

from claims.services import claim_approve, claim_reject, claim_request_info, claim_start_review, claim_submit
from claims.states import Status
from claims.tests.test_uploads import png_bytes, upload
from tests.helpers import login


def _submitted(draft, user):
    return claim_submit(claim=draft, user=user)[0]


def _action_required(draft, user, reviewer):
    claim = claim_start_review(claim=_submitted(draft, user), user=reviewer)
    return claim_request_info(claim=claim, user=reviewer, reasons=["no_customer_ack"], message="Sign-off, please.")


def _rejected(draft, user, reviewer):
    claim = claim_start_review(claim=_submitted(draft, user), user=reviewer)
    return claim_reject(claim=claim, user=reviewer, reason="insufficient_poe", message="Unsigned.")


def _approved(draft, user, reviewer):
    claim = claim_start_review(claim=_submitted(draft, user), user=reviewer)
    return claim_approve(claim=claim, user=reviewer)


# name: (URL name, state it acts on, valid body, body missing a required field, state after, message)
ACTIONS = {
    "resubmit": (
        "claims:resubmit",
        _action_required,
        {"message": "Signed acknowledgement attached."},
        {"message": ""},
        Status.UNDER_REVIEW,
        "Your answer was sent and the claim is back under review.",
    ),
    "withdraw": (
        "claims:withdraw",
        lambda draft, user, reviewer: _submitted(draft, user),
        {"reason": "Duplicate.", "confirm": "on"},
        {"reason": "Duplicate."},
        Status.WITHDRAWN,
        "withdrawn.",
    ),
    "dispute": (
        "claims:dispute",
        _rejected,
        {"justification": "Signed on page 2."},
        {"justification": ""},
        Status.DISPUTED,
        "Dispute sent.",
    ),
    "end": (
        "claims:end",
        _approved,
        {"message": "Project finished.", "confirm": "on"},
        {"message": "Project finished."},
        Status.ENDED,
        "has ended.",
    ),
}
WITH_FILES = ["resubmit", "dispute"]


@pytest.fixture(params=list(ACTIONS))
def action(request, draft, contoso_admin, reviewer1):
    """(name, url, claim in the state the action needs, valid body, invalid body, status after, message)"""
    name = request.param
    url_name, prepare, valid, invalid, after, message = ACTIONS[name]
    claim = prepare(draft, contoso_admin, reviewer1)
    claim.refresh_from_db()
    return name, reverse(url_name, args=[claim.pk]), claim, valid, invalid, after, message


def test_anonymous_goes_to_login(client, action):
    _name, url, _claim, valid, *_ = action
    response = client.post(url, valid)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_get_is_not_allowed(client, contoso_admin, action):
    login(client, contoso_admin)
    assert client.get(action[1]).status_code == 405


@pytest.mark.parametrize(("who", "status_code"), [("contoso_viewer", 403), ("fabrikam_admin", 404)])
def test_no_write_access_is_refused(client, request, action, who, status_code):
    """A read-only member of the claim's partner gets 403, another partner's user 404."""
    _name, url, claim, valid, *_ = action
    login(client, request.getfixturevalue(who))
    assert client.post(url, {**valid, "version": claim.version}).status_code == status_code
    status = claim.status
    claim.refresh_from_db()
    assert claim.status == status


def form_back(client, url, body, name, claim):
    """POSTs ``body`` and expects the page again with this form open and the claim untouched
    (same status and version, no new PoE). Returns the form, for its errors."""
    claim.refresh_from_db()
    before = (claim.status, claim.version, claim.poe_files.count())
    response = client.post(url, body)
    assert response.status_code == 200
    assert response.context["open_form"] == name
    claim.refresh_from_db()
    assert (claim.status, claim.version, claim.poe_files.count()) == before
    return response.context[f"{name}_form"]


def test_done_goes_back_to_the_claim_with_a_message(client, contoso_admin, action):
    _name, url, claim, valid, _invalid, after, message = action
    login(client, contoso_admin)
    response = client.post(url, {**valid, "version": claim.version}, follow=True)
    assert response.redirect_chain == [(reverse("claims:detail", args=[claim.pk]), 302)]
    assert message in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == after


def test_an_invalid_form_comes_back_open_with_its_errors(client, contoso_admin, action):
    name, url, claim, _valid, invalid, *_ = action
    login(client, contoso_admin)
    assert form_back(client, url, {**invalid, "version": claim.version}, name, claim).errors


def test_a_stale_form_is_refused(client, contoso_admin, action):
    name, url, claim, valid, *_ = action
    login(client, contoso_admin)
    files = {"poe": [upload("more.png", png_bytes())]} if name in WITH_FILES else {}  # not stored either
    form = form_back(client, url, {**valid, **files, "version": claim.version - 1}, name, claim)
    assert "changed" in " ".join(form.non_field_errors())


@pytest.mark.parametrize("name", ["resubmit", "withdraw", "dispute", "end"])
def test_the_wrong_state_is_refused(client, draft, contoso_admin, name):
    """A claim just submitted can be withdrawn but not answered, disputed or ended; a
    withdrawn one cannot be withdrawn again."""
    url_name, _prepare, valid, *_ = ACTIONS[name]
    claim = _submitted(draft, contoso_admin)
    if name == "withdraw":
        login(client, contoso_admin)
        client.post(reverse(url_name, args=[claim.pk]), {**valid, "version": claim.version})
    claim.refresh_from_db()
    login(client, contoso_admin)
    url = reverse(url_name, args=[claim.pk])
    assert form_back(client, url, {**valid, "version": claim.version}, name, claim).non_field_errors()


@pytest.mark.parametrize("name", WITH_FILES)
def test_a_refused_file_stores_nothing_and_does_nothing(client, draft, contoso_admin, reviewer1, name):
    url_name, prepare, valid, *_ = ACTIONS[name]
    claim = prepare(draft, contoso_admin, reviewer1)
    claim.refresh_from_db()
    login(client, contoso_admin)
    body = {**valid, "poe": [upload("tool.exe", b"MZ\x90\x00not a pdf")], "version": claim.version}
    assert form_back(client, reverse(url_name, args=[claim.pk]), body, name, claim).errors["poe"]


@pytest.mark.parametrize("name", WITH_FILES)
def test_new_poe_comes_with_the_action(client, draft, contoso_admin, reviewer1, name):
    url_name, prepare, valid, _invalid, after, _message = ACTIONS[name]
    claim = prepare(draft, contoso_admin, reviewer1)
    claim.refresh_from_db()
    poe_count = claim.poe_files.count()
    login(client, contoso_admin)
    body = {**valid, "poe": [upload("ack.png", png_bytes())], "version": claim.version}
    assert client.post(reverse(url_name, args=[claim.pk]), body).status_code == 302
    claim.refresh_from_db()
    assert (claim.poe_files.count(), claim.status) == (poe_count + 1, after)
