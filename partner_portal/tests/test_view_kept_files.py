"""One round of errors, and the files survive it (docs/claim-form.md): every check of the claim
form — fields, directory, files — runs on each submit; accepted files are kept for the form
(``claims.pending``) and attached when the corrected form is saved; a refused submission leaves
no draft; the optional comment when filing opens the conversation."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from audit.models import AuditEvent
from claims.models import Claim, Comment, CommentKind, PendingUpload, PendingUploadState, PoeFile
from claims.pending import pending_expire
from claims.services import claim_submit, poe_attach
from claims.states import Status
from claims.tests.factories import ClaimFactory, member
from claims.tests.test_uploads import pdf_bytes, upload
from lib import clock
from partners.models import Role
from tests.helpers import claim_form_data, login

HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def _form_key(response) -> str:
    return re.search(r'name="upload_key" value="([0-9a-f]{32})"', response.content.decode()).group(1)


def _field_box(html: str, name: str) -> str:
    """The HTML of one field's box on the claim form (up to the next field)."""
    return html.split(f'id="field-{name}"', 1)[1].split('id="field-', 1)[0]


def _all_mistakes(subscription, mpn, product) -> dict:
    """The issue's case: truncated tenant ID, wrong domain, bad subscription ID, no MPN, no
    partner name, no description, two malformed e-mails, a good PDF and HTML renamed .pdf."""
    data = claim_form_data(subscription, mpn, product)
    data.update(
        mpn="",
        customer_tenant_id=data["customer_tenant_id"][:-6],
        customer_domain="wrong.example",
        subscription_ref="ORDER-1234",
        partner_contact_name="",
        description="",
        customer_contact_email="ada(at)customer",
        partner_contact_email="per@",
    )
    data["poe"] = [
        upload("proof.pdf", pdf_bytes(), "application/pdf"),
        upload("scan.pdf", HTML_AS_PDF, "application/pdf"),
    ]
    return data


def test_every_error_at_once_and_the_good_file_is_kept(
    client, contoso_admin, contoso_mpn, subscription, dynamics_sales
):
    login(client, contoso_admin)
    response = client.post(reverse("claims:new"), _all_mistakes(subscription, contoso_mpn, dynamics_sales))
    assert response.status_code == 200
    assert not Claim.objects.exists()  # nothing saved: no junk draft
    form = response.context["form"]
    problems = {b.name: [str(e) for e in b.errors] + [i.code for i in b.issues] for b in form}
    assert problems["customer_contact_email"] and problems["partner_contact_email"]  # form errors
    assert "required" in problems["mpn"]
    assert "required" in problems["partner_contact_name"]
    assert "required" in problems["description"]
    assert "tenant_id_not_guid" in problems["customer_tenant_id"]
    assert "domain_not_found" in problems["customer_domain"]
    assert "subscription_id_invalid" in problems["subscription_ref"]
    assert any("scan.pdf" in text for text in problems["poe"])
    assert not any("proof.pdf" in text for text in problems["poe"])
    # The error summary lists each, linking to the field's input.
    anchors = {anchor for anchor, _text in response.context["summary"]}
    for name in ("customer_contact_email", "partner_contact_email", "mpn", "customer_tenant_id", "poe"):
        assert f"id_{name}" in anchors, anchors
    html = response.content.decode()
    assert 'id="form-errors"' in html and "There is a problem" in html
    assert 'href="#id_customer_contact_email"' in html
    # The "contact support" advice sits with the directory error, not with the e-mail typos.
    assert "Contact support" not in _field_box(html, "customer_contact_email")
    assert "Contact support" not in _field_box(html, "partner_contact_email")
    assert "Contact support" in _field_box(html, "customer_domain")
    assert "kept: proof.pdf" in html and "kept: scan.pdf" not in html
    kept = PendingUpload.objects.get()
    assert (kept.name, kept.state, kept.user_id) == ("proof.pdf", PendingUploadState.KEPT, contoso_admin.pk)

    # The corrected form, with no file chosen again, submits the claim with the kept PDF.
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, upload_key=_form_key(response))
    response = client.post(reverse("claims:new"), data)
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.status == Status.SUBMITTED
    assert [p.original_name for p in claim.poe_files.all()] == ["proof.pdf"]
    assert claim.poe_files.get().sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    kept.refresh_from_db()
    assert (kept.state, kept.claim_id) == (PendingUploadState.ATTACHED, claim.pk)


def test_an_email_typo_gets_no_support_advice(client, contoso_admin, contoso_mpn, subscription, dynamics_sales):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, customer_contact_email="ada(at)customer")
    response = client.post(reverse("claims:new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "a directory error stays, contact support" not in html


def test_a_kept_file_becomes_the_poe_where_it_is(
    client, contoso_admin, contoso_mpn, subscription, dynamics_sales, django_capture_on_commit_callbacks
):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, customer_contact_email="bad")
    data["poe"] = [upload("proof.pdf", pdf_bytes(), "application/pdf")]
    response = client.post(reverse("claims:new"), data)
    kept = PendingUpload.objects.get()
    storage = kept.file.storage
    assert storage.exists(kept.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("claims:new"),
            claim_form_data(subscription, contoso_mpn, dynamics_sales, upload_key=_form_key(response)),
        )
    poe = PoeFile.objects.get()
    assert poe.file.name == kept.file.name  # recorded where it is: not copied, not deleted
    assert storage.exists(poe.file.name)
    with poe.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == poe.sha256


def test_a_valid_form_attaches_its_files_in_the_same_request(
    client, contoso_admin, contoso_mpn, subscription, dynamics_sales
):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales)
    data["poe"] = [upload("proof.pdf", pdf_bytes(), "application/pdf")]
    assert client.post(reverse("claims:new"), data).status_code == 302
    claim = Claim.objects.get()
    assert claim.status == Status.SUBMITTED
    received = PendingUpload.objects.get()
    assert (received.state, received.claim_id) == (PendingUploadState.ATTACHED, claim.pk)
    assert claim.poe_files.get().file.name == received.file.name


def test_kept_files_belong_to_their_user(client, contoso_admin, contoso, contoso_mpn, subscription, dynamics_sales):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, customer_contact_email="bad")
    data["poe"] = [upload("proof.pdf", pdf_bytes(), "application/pdf")]
    key = _form_key(client.post(reverse("claims:new"), data))
    # A colleague posting the same key sees and gets nothing of it.
    colleague = member(contoso, "contoso.colleague", Role.GLOBAL_ADMIN)
    login(client, colleague)
    response = client.post(
        reverse("claims:new"),
        claim_form_data(subscription, contoso_mpn, dynamics_sales, upload_key=key, customer_contact_email="bad"),
    )
    assert response.context["kept_files"] == []
    assert "kept: proof.pdf" not in response.content.decode()


def test_remove_a_kept_file(client, contoso_admin, contoso_mpn, subscription, dynamics_sales):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, customer_contact_email="bad")
    data["poe"] = [upload("proof.pdf", pdf_bytes(), "application/pdf")]
    response = client.post(reverse("claims:new"), data)
    kept = PendingUpload.objects.get()
    data = claim_form_data(
        subscription, contoso_mpn, dynamics_sales, upload_key=_form_key(response), remove_kept=str(kept.pk)
    )
    response = client.post(reverse("claims:new"), data)
    assert response.status_code == 200
    assert response.context["kept_files"] == []
    assert "Ada Customer" in response.content.decode()  # what was typed stays
    kept.refresh_from_db()
    assert kept.state == PendingUploadState.REMOVED
    assert AuditEvent.objects.filter(action="claims.upload.removed").exists()
    assert not Claim.objects.exists()


def test_expired_kept_files_are_swept(client, contoso_admin, contoso_mpn, subscription, dynamics_sales, settings):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, customer_contact_email="bad")
    data["poe"] = [upload("proof.pdf", pdf_bytes(), "application/pdf")]
    response = client.post(reverse("claims:new"), data)
    PendingUpload.objects.update(expires_at=clock.now() - timedelta(minutes=1))
    assert pending_expire() == 1
    assert pending_expire() == 0
    assert PendingUpload.objects.get().state == PendingUploadState.EXPIRED
    # The form no longer offers it; the corrected submission needs a file again.
    response = client.post(
        reverse("claims:new"),
        claim_form_data(subscription, contoso_mpn, dynamics_sales, upload_key=_form_key(response)),
    )
    assert response.status_code == 200
    assert "poe_required" in [i.code for i in response.context["form"]["poe"].issues]


def test_kept_files_count_towards_the_quota(client, contoso_admin, contoso_mpn, subscription, dynamics_sales, settings):
    settings.POE_PARTNER_QUOTA_BYTES = len(pdf_bytes()) + 10
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, customer_contact_email="bad")
    data["poe"] = [upload("proof.pdf", pdf_bytes(), "application/pdf")]
    key = _form_key(client.post(reverse("claims:new"), data))
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, customer_contact_email="bad", upload_key=key)
    data["poe"] = [upload("second.pdf", pdf_bytes(), "application/pdf")]
    response = client.post(reverse("claims:new"), data)
    assert any("storage" in str(e) for e in response.context["form"].errors["poe"])
    assert PendingUpload.objects.count() == 1


def test_draft_save_keeps_the_files_too(client, contoso_admin, contoso_mpn, subscription, dynamics_sales):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, action="save", partner_contact_email="per@")
    data["poe"] = [upload("proof.pdf", pdf_bytes(), "application/pdf")]
    response = client.post(reverse("claims:new"), data)
    assert response.status_code == 200 and not Claim.objects.exists()
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, action="save", upload_key=_form_key(response))
    assert client.post(reverse("claims:new"), data).status_code == 302
    claim = Claim.objects.get()
    assert claim.status == Status.EDITING
    assert claim.poe_files.count() == 1


def test_already_claimed_leaves_no_draft_and_links_the_claim(
    client, contoso_admin, contoso_mpn, subscription, dynamics_sales
):
    held = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=subscription, products=[dynamics_sales])
    poe_attach(
        claim=held, user=contoso_admin, name="a.pdf", file=ContentFile(pdf_bytes()), content_type="application/pdf"
    )
    claim_submit(claim=held, user=contoso_admin)
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales)
    data["poe"] = [upload("proof.pdf", pdf_bytes(), "application/pdf")]
    response = client.post(reverse("claims:new"), data)
    assert response.status_code == 200
    assert list(Claim.objects.values_list("pk", flat=True)) == [held.pk]
    html = response.content.decode()
    assert 'data-code="already_claimed"' in html
    assert f'href="{reverse("claims:detail", args=[held.pk])}"' in html


@pytest.mark.parametrize("comment", ["Signed SOW attached; the pilot ran in March.", ""])
def test_comment_when_filing_opens_the_conversation(
    client, contoso_admin, contoso_mpn, subscription, dynamics_sales, comment
):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, filing_comment=comment)
    data["poe"] = [upload("proof.pdf", pdf_bytes(), "application/pdf")]
    assert client.post(reverse("claims:new"), data).status_code == 302
    claim = Claim.objects.get()
    partner_comments = list(claim.comments.filter(kind=CommentKind.COMMENT).values_list("body", "author_id"))
    assert partner_comments == ([(comment, contoso_admin.pk)] if comment else [])
    if comment:
        detail = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
        assert comment in detail
        assert Comment.objects.filter(claim=claim, body=comment, internal=False).exists()
