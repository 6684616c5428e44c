"""Journey: the partner fills part of the claim form and downloads the PoE template, which
comes prefilled with what the form says at that moment (static/js/portal.js), in its language."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.e2e.claim_form import entry, fill_claim_form

pytestmark = pytest.mark.browser


def test_the_template_carries_what_the_form_says(actors, tmp_path):
    page = actors("contoso.admin")
    page.goto("/claims/new/")
    e = entry("valid_presales")
    fill_claim_form(page, e)
    link = page.get_by_role("link", name="Download a PoE template")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("poe-template-")
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert e.tenant_id in text and e.domain in text and e.mpn in text
    assert "Northwind Traders" in text  # the customer's name, from the directory
    assert "Customer acknowledgement" in text
