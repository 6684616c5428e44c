"""Journey (#14, item 11): a partner hands in, as its own proof of execution, a file another
partner has already handed in (the same bytes under another name). The reviewer sees it flagged
in the review queue, on both claims' rows, and on the review screen, beside that file only;
the partners never see the flag."""

import pytest
from django.db.models import OuterRef
from playwright.sync_api import expect

from claims.models import Claim, PoeFile
from claims.states import Status
from review.selectors import same_file_elsewhere
from tests.e2e.conftest import settle

pytestmark = pytest.mark.browser

FLAG_ON_SCREEN = "Same file on another partner’s claim"


def shared(claim) -> bool:
    """Whether one of the claim's files is also on another partner's submitted claim."""
    files = PoeFile.objects.filter(claim=claim).filter(same_file_elsewhere(OuterRef("sha256"), claim.partner_id))
    return files.exists()


def queue_row(page, claim):
    return page.locator("#queue-table tbody tr[data-href]", has=page.locator(f"#ref-{claim.pk}"))


def poe_item(page, name: str):
    return page.locator("#poe .poe-list li", has=page.locator(".poe-name", has_text=name))


def test_same_file_on_another_partners_claim_is_flagged(actors, tmp_path):
    # Contoso's claim under review, with a PDF of its own; Fabrikam's submitted claim, also
    # still free of any shared file.
    source = next(
        c
        for c in Claim.objects.filter(partner__name="Contoso", status=Status.UNDER_REVIEW).order_by("pk")
        if c.poe_files.filter(content_type="application/pdf").exists() and not shared(c)
    )
    target = next(
        c
        for c in Claim.objects.filter(partner__name="Fabrikam", status=Status.SUBMITTED).order_by("pk")
        if not shared(c)
    )
    original = source.poe_files.filter(content_type="application/pdf").order_by("pk").first()
    with original.file.open("rb") as f:
        copy = tmp_path / "our-signed-acknowledgement.pdf"  # another name, the same bytes
        copy.write_bytes(f.read())
    own_files = list(target.poe_files.values_list("original_name", flat=True))

    reviewer = actors("reviewer1")
    for claim in (source, target):
        expect(queue_row(reviewer, claim)).to_have_count(1)
        expect(queue_row(reviewer, claim).locator(".flag-same-file")).to_have_count(0)

    # Fabrikam adds the copy from its claim page.
    partner = actors("fabrikam.admin")
    partner.goto(f"/claims/{target.pk}/")
    add = partner.locator("#poe details.action")
    add.locator("summary").click()
    add.locator("input[type=file]").set_input_files(str(copy))
    with partner.expect_navigation():
        add.get_by_role("button", name="Upload").click()
    expect(partner.locator("#poe .file-list")).to_contain_text(copy.name)
    expect(partner.locator(".flag-same-file")).to_have_count(0)  # a partner is never told
    assert PoeFile.objects.filter(claim=target, sha256=original.sha256).exists()

    # The queue flags both claims' rows (the page is drawn anew: the upload changed the claim).
    reviewer.reload()
    for claim in (source, target):
        flag = queue_row(reviewer, claim).locator(".flag-same-file")
        expect(flag).to_have_text("Same file")
        expect(flag).to_have_attribute("title", "A PoE file of this claim is also on another partner's claim")
    unflagged = reviewer.locator("#queue-table tbody tr[data-href]").filter(has_not=reviewer.locator(".flag-same-file"))
    expect(unflagged.first).to_be_visible()  # not every row: only those sharing a file

    # The review screen flags the copied file, and only it.
    with reviewer.expect_navigation():
        queue_row(reviewer, target).locator("a.row-link").click()
    settle(reviewer)
    expect(poe_item(reviewer, copy.name).locator(".flag-same-file")).to_have_text(FLAG_ON_SCREEN)
    for name in own_files:
        expect(poe_item(reviewer, name).locator(".flag-same-file")).to_have_count(0)
    expect(reviewer.locator("#poe")).not_to_contain_text("Contoso")  # the flag never says whose

    # And Contoso's claim, where the file came from, flags its original.
    reviewer.goto(f"/review/claims/{source.pk}/")
    expect(poe_item(reviewer, original.original_name).locator(".flag-same-file").first).to_have_text(FLAG_ON_SCREEN)

    partner.goto(f"/claims/{target.pk}/")
    expect(partner.locator("#poe")).to_contain_text(copy.name)
    expect(partner.locator(".flag-same-file")).to_have_count(0)
