"""What one partner company may hold: at most ``MAX_OPEN_DRAFTS_PER_PARTNER`` open drafts and
``POE_PARTNER_QUOTA_BYTES`` of PoE over all its claims; and a request's PoE files are stored
all together or not at all (``claims.services.poe_attach_many``). The concurrent cases, on
PostgreSQL, are in ``tests/security/test_upload_concurrency.py``."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from claims.errors import ClaimError, InvalidTransition
from claims.models import Claim, PendingUpload, PendingUploadState, PoeFile
from claims.services import (
    claim_assign,
    claim_create,
    claim_submit,
    claim_withdraw,
    poe_attach_many,
    poe_storage_used,
)
from claims.states import Status
from claims.tests.factories import ClaimFactory
from claims.tests.test_uploads import pdf_bytes, upload
from claims.uploads import CheckedUpload
from notifications.models import Notification
from tests.helpers import claim_form_data, current_version, login


def checked(i: int, size: int = 0) -> CheckedUpload:
    """An accepted PDF of ``size`` bytes (at least a small real one), as ``check_uploads`` gives it."""
    content = pdf_bytes() + b"%" + str(i).encode() + b"\n"
    content += b"0" * max(0, size - len(content))
    return CheckedUpload(
        name=f"p{i}.pdf",
        file=ContentFile(content),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        kind="pdf",
        content_type="application/pdf",
    )


def stored(location) -> list:
    return sorted(p for p in location.rglob("*") if p.is_file()) if location.exists() else []


@pytest.fixture
def poe_location(settings):
    return Path(settings.STORAGES["poe"]["OPTIONS"]["location"])


# --- open drafts ---------------------------------------------------------------------------------


class TestDraftCap:
    def test_the_cap_refuses_one_more_draft_with_a_clear_message(self, settings, contoso_admin, contoso_mpn):
        settings.MAX_OPEN_DRAFTS_PER_PARTNER = 2
        for _i in range(2):
            claim_create(user=contoso_admin, data={"mpn": contoso_mpn, "name": "Draft"})
        with pytest.raises(ClaimError) as refused:
            claim_create(user=contoso_admin, data={"mpn": contoso_mpn, "name": "Draft"})
        assert refused.value.code == "too_many_drafts"
        assert str(refused.value.message) == (
            "Your company has 2 open drafts, the most allowed. Submit or discard a draft first."
        )
        assert Claim.objects.filter(status=Status.EDITING).count() == 2

    def test_discarding_or_submitting_a_draft_frees_its_place(
        self, settings, contoso_admin, contoso_mpn, draft, subscription, dynamics_sales
    ):
        settings.MAX_OPEN_DRAFTS_PER_PARTNER = 2
        # the draft fixture is the first
        other = claim_create(user=contoso_admin, data={"mpn": contoso_mpn, "name": "Draft"})
        with pytest.raises(ClaimError):
            claim_create(user=contoso_admin, data={"mpn": contoso_mpn, "name": "Draft"})
        claim_withdraw(claim=other, user=contoso_admin)  # "Discard draft"
        third = claim_create(user=contoso_admin, data={"mpn": contoso_mpn, "name": "Draft"})
        with pytest.raises(ClaimError):
            claim_create(user=contoso_admin, data={"mpn": contoso_mpn, "name": "Draft"})
        claim_submit(claim=draft, user=contoso_admin)
        assert claim_create(user=contoso_admin, data={"mpn": contoso_mpn, "name": "Draft"}).pk > third.pk

    def test_another_company_has_its_own_count(
        self, settings, contoso_admin, contoso_mpn, fabrikam_admin, fabrikam_mpn
    ):
        settings.MAX_OPEN_DRAFTS_PER_PARTNER = 1
        claim_create(user=contoso_admin, data={"mpn": contoso_mpn, "name": "Draft"})
        assert claim_create(user=fabrikam_admin, data={"mpn": fabrikam_mpn, "name": "Draft"}).status == Status.EDITING

    def test_the_claim_form_shows_it_and_stores_no_file(
        self, settings, client, poe_location, contoso_admin, contoso_mpn, subscription, dynamics_sales
    ):
        settings.MAX_OPEN_DRAFTS_PER_PARTNER = 1
        ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin)
        login(client, contoso_admin)
        data = claim_form_data(subscription, contoso_mpn, dynamics_sales, action="save")
        data["poe"] = [upload("a.pdf", pdf_bytes())]
        response = client.post(reverse("claims:new"), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "1 open draft, the most allowed" in html
        assert Claim.objects.count() == 1
        # No PoE stored; the accepted file is kept for the form (claims.pending), for the retry.
        assert not PoeFile.objects.exists()
        assert "kept: a.pdf" in html
        kept = PendingUpload.objects.get(state=PendingUploadState.KEPT)
        assert [p.relative_to(poe_location).as_posix() for p in stored(poe_location)] == [kept.file.name]


# --- the storage quota ---------------------------------------------------------------------------


class TestQuota:
    def test_a_batch_over_the_quota_stores_nothing_and_says_why(self, settings, poe_location, contoso_admin, draft):
        used = poe_storage_used(draft.partner_id)
        assert used == draft.poe_files.get().size > 0
        settings.POE_PARTNER_QUOTA_BYTES = used + 3000
        files_before = stored(poe_location)
        with pytest.raises(ClaimError) as refused:
            poe_attach_many(claim=draft, user=contoso_admin, uploads=[checked(1, 1000), checked(2, 2001)])
        assert refused.value.code == "quota"
        message = str(refused.value.message)
        assert message.startswith(f"Your company has used {used}\xa0bytes of its 2.9\xa0KB storage for PoE;")
        assert "these files (2.9\xa0KB) would exceed it" in message
        assert "discarded drafts and withdrawn claims are kept" in message
        assert draft.poe_files.count() == 1 and stored(poe_location) == files_before
        # exactly up to the quota is fine
        poe_attach_many(claim=draft, user=contoso_admin, uploads=[checked(1, 1000), checked(2, 2000)])
        assert poe_storage_used(draft.partner_id) == settings.POE_PARTNER_QUOTA_BYTES

    def test_every_claim_of_the_company_counts_withdrawn_ones_too(
        self, settings, contoso_admin, contoso_mpn, fabrikam_admin, fabrikam_mpn
    ):
        first = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin)
        poe_attach_many(claim=first, user=contoso_admin, uploads=[checked(1, 4000)])
        claim_withdraw(claim=first, user=contoso_admin)  # discarded: its file is kept, so it counts
        second = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin)
        poe_attach_many(claim=second, user=contoso_admin, uploads=[checked(2, 3000)])
        theirs = ClaimFactory(mpn=fabrikam_mpn, created_by=fabrikam_admin)
        poe_attach_many(claim=theirs, user=fabrikam_admin, uploads=[checked(3, 9000)])
        assert poe_storage_used(contoso_mpn.partner_id) == 7000
        settings.POE_PARTNER_QUOTA_BYTES = 8000
        with pytest.raises(ClaimError):
            poe_attach_many(claim=second, user=contoso_admin, uploads=[checked(4, 1001)])
        poe_attach_many(claim=second, user=contoso_admin, uploads=[checked(4, 1000)])
        settings.POE_PARTNER_QUOTA_BYTES = 9500  # Fabrikam's own 9000 bytes, not Contoso's, count for Fabrikam
        poe_attach_many(claim=theirs, user=fabrikam_admin, uploads=[checked(5, 500)])

    def test_the_poe_form_puts_it_on_the_file_field(self, settings, client, poe_location, contoso_admin, draft):
        settings.POE_PARTNER_QUOTA_BYTES = poe_storage_used(draft.partner_id) + 10
        login(client, contoso_admin)
        files_before = stored(poe_location)
        response = client.post(
            reverse("claims:poe_add", args=[draft.pk]),
            {"version": current_version(draft), "poe": [upload("big.pdf", pdf_bytes())]},
        )
        assert response.status_code == 200
        assert "storage for PoE" in str(response.context["poe_form"].errors["poe"])
        assert draft.poe_files.count() == 1 and stored(poe_location) == files_before

    def test_the_claim_form_keeps_the_draft_unsaved_and_the_files_unstored(
        self, settings, client, poe_location, contoso_admin, contoso_mpn, subscription, dynamics_sales
    ):
        settings.POE_PARTNER_QUOTA_BYTES = 10
        login(client, contoso_admin)
        data = claim_form_data(subscription, contoso_mpn, dynamics_sales, action="save", description="Kept")
        data["poe"] = [upload("a.pdf", pdf_bytes())]
        response = client.post(reverse("claims:new"), data)
        assert response.status_code == 200
        assert "storage for PoE" in str(response.context["form"].errors["poe"])
        assert "Kept" in response.content.decode()
        assert not Claim.objects.exists() and not PoeFile.objects.exists() and stored(poe_location) == []


# --- all or nothing ------------------------------------------------------------------------------


class TestAllOrNothing:
    def test_a_batch_that_would_pass_the_file_limit_stores_none(self, settings, poe_location, contoso_admin, draft):
        settings.POE_MAX_FILES_PER_CLAIM = 4  # the draft has one: room for three
        files_before, version = stored(poe_location), draft.version
        with pytest.raises(ClaimError) as refused:
            poe_attach_many(claim=draft, user=contoso_admin, uploads=[checked(i) for i in range(4)])
        assert refused.value.code == "too_many"
        assert "room for 3 more, but you chose 4" in str(refused.value.message)
        assert draft.poe_files.count() == 1 and stored(poe_location) == files_before
        draft.refresh_from_db()
        assert draft.version == version
        stored_now = poe_attach_many(claim=draft, user=contoso_admin, uploads=[checked(i) for i in range(3)])
        assert [p.original_name for p in stored_now] == ["p0.pdf", "p1.pdf", "p2.pdf"]
        assert draft.poe_files.count() == 4 and len(stored(poe_location)) == 4
        draft.refresh_from_db()
        assert draft.version == version + 1  # one new version for the whole batch

    def test_a_batch_is_one_request_for_the_reviewers(self, contoso_admin, draft, reviewer1):
        claim, _warnings = claim_submit(claim=draft, user=contoso_admin)
        claim = claim_assign(claim=claim, user=reviewer1, assignee=reviewer1)  # it still takes PoE
        poe_attach_many(claim=claim, user=contoso_admin, uploads=[checked(i) for i in range(3)])
        assert claim.comments.filter(code="poe_added").count() == 3  # each file named in the thread
        assert Notification.objects.filter(recipient=reviewer1, kind="poe_added").count() == 1

    def test_a_claim_that_takes_no_poe_stores_none(self, poe_location, contoso_admin, contoso_mpn):
        closed = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin)
        claim_withdraw(claim=closed, user=contoso_admin)
        with pytest.raises(InvalidTransition):
            poe_attach_many(claim=closed, user=contoso_admin, uploads=[checked(1)])
        assert stored(poe_location) == []

    def test_the_size_and_hash_are_what_was_stored(self, contoso_admin, draft):
        upload_ = checked(7, 5000)
        (poe,) = poe_attach_many(claim=draft, user=contoso_admin, uploads=[upload_])
        with poe.file.open("rb") as handle:
            content = handle.read()
        assert poe.size == len(content) == 5000
        assert poe.sha256 == hashlib.sha256(content).hexdigest() == upload_.sha256
