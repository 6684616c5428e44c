"""The demo's PoE files name their own partner only: never another partner's name in a file
(its name or its text), as a real partner's upload would not."""

import re

from claims.models import PoeFile
from demo.reference import PARTNERS

PARTNER_NAMES = [name for name, _domain, _mpns in PARTNERS.values()]
PDF_TEXT = re.compile(rb"\(((?:\\.|[^\\)])*)\) Tj")


def pdf_text(data: bytes) -> str:
    """The text a demo PDF shows (demo.files.demo_pdf writes it as literal strings)."""
    return " ".join(re.sub(rb"\\(.)", rb"\1", m).decode("latin-1") for m in PDF_TEXT.findall(data))


def test_no_demo_file_names_another_partner(seeded):
    checked = 0
    for poe in PoeFile.objects.select_related("claim__partner"):
        own = poe.claim.partner.name
        with poe.file.open("rb") as f:
            data = f.read()
        text = pdf_text(data) if poe.content_type == "application/pdf" else ""
        if poe.content_type == "application/pdf":
            assert text, poe.original_name  # the reader found the text
        for other in PARTNER_NAMES:
            if other != own:
                assert other.lower() not in f"{poe.original_name} {text}".lower(), (own, poe.original_name, text)
        checked += 1
    assert checked > 40


def test_generated_pdfs_name_their_partner(seeded):
    for poe in PoeFile.objects.filter(content_type="application/pdf").select_related("claim__partner"):
        with poe.file.open("rb") as f:
            text = pdf_text(f.read())
        # Every generated file names its own partner; only the customer's own acknowledgement
        # (the same file in two partners' claims) names none.
        assert poe.claim.partner.name in text or "signed by the customer" in text, text


def test_the_shared_acknowledgement_is_still_the_same_file(seeded):
    shared = PoeFile.objects.filter(original_name__in=["signed-acknowledgement.pdf", "tailwind-ack.pdf"])
    assert {poe.claim.partner.name for poe in shared.select_related("claim__partner")} == {"Contoso", "Fabrikam"}
    assert len({poe.sha256 for poe in shared}) == 1  # the arbitration case flags it as the same file
