"""PoE downloads and previews: only through access checks, as attachments with nosniff and a
sandbox CSP, RFC 6266 file names that never carry CR/LF, previews only for PDF/PNG/JPEG."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from claims.models import PoeFile
from claims.services import claim_submit, poe_attach
from claims.tests.factories import ClaimFactory
from claims.tests.test_uploads import png_bytes
from tests.helpers import login


def download(poe):
    return reverse("claims:poe_download", args=[poe.claim_id, poe.pk])


def preview(poe):
    return reverse("claims:poe_preview", args=[poe.claim_id, poe.pk])


@pytest.fixture
def poe(draft):
    return draft.poe_files.get()


def test_download_headers(client, contoso_admin, poe):
    login(client, contoso_admin)
    response = client.get(download(poe))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="poe.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_viewer_may_download(client, contoso_viewer, poe):
    login(client, contoso_viewer)
    assert client.get(download(poe)).status_code == 200


def test_foreign_partner_404(client, fabrikam_admin, poe):
    login(client, fabrikam_admin)
    assert client.get(download(poe)).status_code == 404
    assert client.get(preview(poe)).status_code == 404


def test_poe_of_another_claim_404(client, contoso_admin, poe, contoso_mpn, subscription, dynamics_sales):
    other = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=subscription, products=[dynamics_sales])
    login(client, contoso_admin)
    assert client.get(reverse("claims:poe_download", args=[other.pk, poe.pk])).status_code == 404


def test_anonymous_redirected(client, poe):
    assert client.get(download(poe)).status_code == 302


def test_reviewer_may_download_submitted_claims_only(client, reviewer1, contoso_admin, draft, poe):
    login(client, reviewer1)
    assert client.get(download(poe)).status_code == 404  # a draft is the partner's business
    claim_submit(claim=draft, user=contoso_admin)
    assert client.get(download(poe)).status_code == 200
    assert client.get(preview(poe)).status_code == 200


def test_preview_is_inline_for_pdf_and_images(client, contoso_admin, poe, draft):
    login(client, contoso_admin)
    response = client.get(preview(poe))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    image = poe_attach(
        claim=draft, user=contoso_admin, name="shot.png", file=ContentFile(png_bytes()), content_type="image/png"
    )
    assert client.get(preview(image)).status_code == 200


def test_no_preview_for_other_types(client, contoso_admin, draft):
    text = poe_attach(
        claim=draft, user=contoso_admin, name="notes.txt", file=ContentFile(b"notes"), content_type="text/plain"
    )
    login(client, contoso_admin)
    assert client.get(preview(text)).status_code == 404
    response = client.get(download(text))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment")


def test_stored_name_with_crlf_never_reaches_the_header(client, contoso_admin, draft):
    poe = poe_attach(
        claim=draft,
        user=contoso_admin,
        name="a\r\nSet-Cookie: x=1\r\n.pdf",
        file=ContentFile(b"%PDF-1.4"),
        content_type="application/pdf",
    )
    login(client, contoso_admin)
    response = client.get(download(poe))
    header = response["Content-Disposition"]
    assert "\r" not in header
    assert "\n" not in header
    assert "Set-Cookie" not in response.cookies


def test_non_ascii_name_uses_rfc6266_encoding(client, contoso_admin, draft):
    poe = poe_attach(
        claim=draft,
        user=contoso_admin,
        name="Bekräftelse å.pdf",
        file=ContentFile(b"%PDF-1.4"),
        content_type="application/pdf",
    )
    login(client, contoso_admin)
    header = client.get(download(poe))["Content-Disposition"]
    assert header == "attachment; filename*=utf-8''Bekr%C3%A4ftelse%20%C3%A5.pdf"


def test_missing_file_is_404(client, contoso_admin, poe):
    poe.file.storage.delete(poe.file.name)
    login(client, contoso_admin)
    assert client.get(download(poe)).status_code == 404


def test_get_only(client, contoso_admin, poe):
    login(client, contoso_admin)
    assert client.post(download(poe)).status_code == 405
    assert PoeFile.objects.count() == 1
