"""All or nothing under concurrency, on PostgreSQL: two requests that each bring 12 PoE files
to a claim with room for 20 both pass the form's early count check, yet one stores its 12
files and the other none (``poe_attach_many`` counts again under the claim's row lock).
Likewise two batches that each fit the company's storage quota but not together, and drafts
created side by side at the open-draft cap (both counted under the partner's row lock)."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from claims.errors import ClaimError
from claims.models import Claim, PoeFile
from claims.services import claim_create, poe_attach_many
from claims.states import Status
from claims.tests.factories import ClaimFactory
from claims.tests.test_uploads import pdf_bytes, upload
from claims.uploads import CheckedUpload
from tests.helpers import current_version, login, run_together
from tests.security.conftest import stored_files

ROUNDS = 3
BATCH = 12


def _checked(tag: str, size: int = 0) -> CheckedUpload:
    content = pdf_bytes() + f"%{tag}\n".encode()
    content += b"0" * max(0, size - len(content))
    return CheckedUpload(
        name=f"{tag}.pdf",
        file=ContentFile(content),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        kind="pdf",
        content_type="application/pdf",
    )


@pytest.fixture
def pg(transactional_db, postgres_required):
    return None


def test_two_concurrent_twelve_file_requests_one_stores_all_the_other_none(
    pg, settings, poe_dir, contoso_admin, contoso_mpn
):
    settings.POE_MAX_FILES_PER_CLAIM = 20
    for round_ in range(ROUNDS):
        claim = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin)
        before = len(stored_files(poe_dir))
        version = current_version(claim)
        clients = [login(Client(), contoso_admin) for _ in range(2)]
        posts = [
            {"version": version, "poe": [upload(f"r{round_}-{who}-{i}.pdf", pdf_bytes()) for i in range(BATCH)]}
            for who in "ab"
        ]
        url = reverse("claims:poe_add", args=[claim.pk])
        results = run_together(*(lambda c=c, p=p, u=url: c.post(u, p) for c, p in zip(clients, posts, strict=True)))

        unexpected = [r for r in results if isinstance(r, Exception)]
        assert not unexpected, unexpected
        statuses = sorted(r.status_code for r in results)
        assert statuses == [200, 302], statuses  # one done, one refused on its form
        page = next(r for r in results if r.status_code == 200).content.decode()
        assert "room for 8 more" in page or "changed while you were working" in page
        names = set(PoeFile.objects.filter(claim=claim).values_list("original_name", flat=True))
        assert len(names) == BATCH
        assert {n.split("-")[1] for n in names} in ({"a"}, {"b"})  # one request's files, all of them
        assert len(stored_files(poe_dir)) == before + BATCH  # and no file of the other


def test_the_use_case_counts_under_the_lock(pg, settings, poe_dir, contoso_admin, contoso_mpn):
    """The same race without the views' early checks: both batches reach ``poe_attach_many``."""
    settings.POE_MAX_FILES_PER_CLAIM = 20
    for round_ in range(ROUNDS):
        claim = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin)
        before = len(stored_files(poe_dir))
        batches = [[_checked(f"r{round_}-{who}-{i}") for i in range(BATCH)] for who in "ab"]
        results = run_together(
            *(lambda b=b, c=claim: poe_attach_many(claim=c, user=contoso_admin, uploads=b) for b in batches)
        )
        done = [r for r in results if isinstance(r, list)]
        refused = [r for r in results if isinstance(r, ClaimError)]
        assert len(done) == 1 and len(refused) == 1, results
        assert refused[0].code == "too_many"
        assert len(done[0]) == BATCH
        assert PoeFile.objects.filter(claim=claim).count() == BATCH
        assert len(stored_files(poe_dir)) == before + BATCH


def test_two_batches_that_fit_the_quota_only_alone(pg, settings, poe_dir, contoso_admin, contoso_mpn):
    settings.POE_PARTNER_QUOTA_BYTES = 30_000
    for round_ in range(ROUNDS):
        first = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin)
        second = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin)
        used = sum(PoeFile.objects.filter(claim__partner=contoso_mpn.partner).values_list("size", flat=True))
        room = settings.POE_PARTNER_QUOTA_BYTES - used
        size = room // 3 + 1  # two files of each batch fit alone; four do not
        batches = [
            (c, [_checked(f"q{round_}-{tag}-{i}", size) for i in range(2)]) for c, tag in ((first, "a"), (second, "b"))
        ]
        results = run_together(
            *(lambda c=c, b=b: poe_attach_many(claim=c, user=contoso_admin, uploads=b) for c, b in batches)
        )
        done = [r for r in results if isinstance(r, list)]
        refused = [r for r in results if isinstance(r, ClaimError)]
        assert len(done) == 1 and len(refused) == 1, results
        assert refused[0].code == "quota"
        total = sum(PoeFile.objects.filter(claim__partner=contoso_mpn.partner).values_list("size", flat=True))
        assert total <= settings.POE_PARTNER_QUOTA_BYTES
        settings.POE_PARTNER_QUOTA_BYTES = total + 30_000  # room again for the next round


def test_drafts_created_side_by_side_stop_at_the_cap(pg, settings, contoso_admin, contoso_mpn):
    settings.MAX_OPEN_DRAFTS_PER_PARTNER = 3
    ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin)  # one open already: room for two
    data = {"mpn": contoso_mpn, "name": "Draft"}
    results = run_together(*(lambda: claim_create(user=contoso_admin, data=data) for _ in range(5)))
    created = [r for r in results if isinstance(r, Claim)]
    refused = [r for r in results if isinstance(r, ClaimError)]
    assert len(created) == 2 and len(refused) == 3, results
    assert {r.code for r in refused} == {"too_many_drafts"}
    assert Claim.objects.filter(partner=contoso_mpn.partner, status=Status.EDITING).count() == 3
