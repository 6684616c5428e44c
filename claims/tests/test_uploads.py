"""PoE upload rules (claims.uploads): type by content, size and count limits, hostile names.
What the claim form does with a refused file is in ``partner_portal/tests/test_view_uploads.py``."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.tests import corpus
from claims.tests.corpus import eml_bytes, jpeg_bytes, office_bytes, pdf_bytes, png_bytes
from claims.uploads import UploadRejected, check_upload, check_uploads, clean_name, display_name

# --- sample files (also used by the view tests; built in claims/tests/corpus.py) ---------------------------

__all__ = ["eml_bytes", "jpeg_bytes", "msg_bytes", "office_bytes", "pdf_bytes", "png_bytes", "upload"]


def msg_bytes() -> bytes:
    """A real Outlook message (a compound file with the message properties) with a PDF attached."""
    return corpus.msg_bytes(attachments=[corpus.msg_attachment("Protokoll.pdf", pdf_bytes())])


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- accepted types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind", "shown"),
    [
        ("proof.pdf", pdf_bytes(), "pdf", "proof.pdf"),
        ("screenshot.PNG", png_bytes(), "png", "screenshot.png"),
        ("photo.jpeg", jpeg_bytes(), "jpeg", "photo.jpeg"),
        ("photo.jpg", jpeg_bytes(), "jpeg", "photo.jpg"),
        ("ack.docx", office_bytes("docx"), "docx", "ack.docx"),
        ("usage.xlsx", office_bytes("xlsx"), "xlsx", "usage.xlsx"),
        ("deck.pptx", office_bytes("pptx"), "pptx", "deck.pptx"),
        ("mail.eml", eml_bytes(), "eml", "mail.eml"),
        ("mail.msg", msg_bytes(), "msg", "mail.msg"),
        ("notes.txt", "Workshop notes — Göteborg, 2 Nov.\n".encode(), "txt", "notes.txt"),
    ],
)
def test_allowed_types_are_accepted(name, content, kind, shown):
    checked = check_upload(upload(name, content))
    assert checked.kind == kind
    assert checked.name == shown
    assert checked.file.read() == content  # the file itself, at its start, not a copy in memory
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_type_comes_from_content_not_from_name_or_header():
    checked = check_upload(upload("scan.txt", pdf_bytes(), "text/plain"))
    assert checked.content_type == "application/pdf"
    assert checked.name == "scan.txt.pdf"  # the shown extension matches the content


# --- refused content -----------------------------------------------------------------------------


def _refused(name, content, content_type="application/octet-stream") -> str:
    with pytest.raises(UploadRejected) as info:
        check_upload(upload(name, content, content_type))
    return info.value.message


def test_html_renamed_pdf_is_refused():
    message = _refused("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "application/pdf")
    assert "report.pdf" in message
    assert "HTML" in message


def test_svg_named_png_is_refused():
    message = _refused("chart.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    assert "chart.png" in message


def test_text_with_script_is_refused():
    assert "HTML" in _refused("notes.txt", b"Meeting notes\n<script>alert(1)</script>\n")


def test_png_with_html_appended_is_refused():
    message = _refused("shot.png", png_bytes() + b"<html><script>alert(document.cookie)</script></html>")
    assert "shot.png" in message
    assert "after its end" in message


def test_jpeg_with_html_appended_is_refused():
    assert "after its end" in _refused("photo.jpg", jpeg_bytes() + b"<script>alert(1)</script>")


def test_jpeg_with_small_padding_is_accepted():
    assert check_upload(upload("photo.jpg", jpeg_bytes() + b"\x00" * 32)).kind == "jpeg"


def test_truncated_png_is_refused():
    assert "damaged" in _refused("shot.png", png_bytes()[:-12])


def test_empty_file_is_refused():
    message = _refused("empty.pdf", b"")
    assert "empty.pdf" in message
    assert "empty" in message


def test_oversize_file_is_refused(settings):
    settings.POE_MAX_FILE_BYTES = 1000
    message = _refused("big.pdf", pdf_bytes() + b"0" * 2000)
    assert "big.pdf" in message
    assert "larger than" in message


def test_zip_bomb_docx_is_refused():
    bomb = office_bytes("docx", extra={"word/media/zeros.bin": b"\x00" * (30 * 1024 * 1024)})
    assert len(bomb) < 200_000
    message = _refused("bomb.docx", bomb)
    assert "unsafe size" in message


def test_docx_with_too_many_parts_is_refused():
    parts = {f"word/p{i}.xml": "x" for i in range(2100)}
    assert "unsafe size" in _refused("many.docx", office_bytes("docx", extra=parts))


def test_macro_enabled_document_is_refused():
    docm = office_bytes(
        "docx",
        extra={"word/vbaProject.bin": b"VBA"},
        main_type="application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert "macros" in _refused("ack.docx", docm)


def test_plain_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    assert "not one of the allowed types" in _refused("files.docx", buffer.getvalue())


def test_legacy_office_file_is_refused():
    assert ".doc" in _refused("old.doc", corpus.cfb({"WordDocument": b"\xec\xa5" + b"\x00" * 600}))


def test_legacy_office_file_with_macros_says_so():
    message = _refused("old.doc", corpus.cfb({"WordDocument": b"\xec\xa5", "Macros": {"VBA": {"dir": b"x"}}}))
    assert ".doc" in message and "contains macros" in message


def test_fake_outlook_message_is_refused():
    """An OLE header and the UTF-16 text ``__substg1.0_`` used to pass as .msg."""
    fake = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "__substg1.0_0037001F".encode("utf-16-le")
    assert "damaged" in _refused("mail.msg", fake + b"\x00" * 64)
    fake_ole = corpus.cfb({"Contents": "__substg1.0_0037001F".encode("utf-16-le") * 8})
    assert "not one of the allowed types" in _refused("mail.msg", fake_ole)


def test_eml_with_an_executable_attachment_is_refused():
    message = _refused("mail.eml", corpus.eml_with_attachment("setup.exe", b"MZ\x90\x00" + b"\x00" * 64))
    assert "mail.eml" in message and "“setup.exe” that is a program" in message


def test_pdf_with_javascript_is_refused():
    pdf = corpus.pdf_doc(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ")
    assert "JavaScript" in _refused("proof.pdf", pdf)


def test_text_with_markup_after_the_first_kib_is_refused():
    assert "HTML" in _refused("notes.txt", corpus.text_with_markup_at(5000))


def test_csv_with_formulas_is_refused():
    assert "formulas" in _refused("export.csv", b"name,amount\nAda,=cmd|' /C calc'!A0\n")


def test_other_binary_type_is_refused():
    assert "GIF" in _refused("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")


def test_binary_garbage_is_refused():
    assert "not one of the allowed types" in _refused("data.txt", b"\x00\x01\x02binary")


# --- names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\report.pdf", "report.pdf"),
        ("C:\\Users\\per\\Desktop\\minutes.pdf", "minutes.pdf"),
        ("evil\x00.pdf", "evil.pdf"),
        ("invoice\u202egnp.pdf", "invoicegnp.pdf"),
        ("a\u2066b\u2069c.pdf", "abc.pdf"),
        ("line\r\nbreak.pdf", "line break.pdf"),
        ("..pdf", "pdf.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("", "file.pdf"),
    ],
)
def test_names_are_cleaned_for_display(raw, shown):
    assert display_name(raw, "pdf") == shown


def test_rtl_override_cannot_fake_an_extension():
    # "photo\u202Egpj.exe" shows as "photo‮gpj.exe" → "photoexe.jpg" in some viewers; we drop the override
    # and the extension always matches the detected content.
    checked = check_upload(upload("photo\u202egpj.exe", pdf_bytes()))
    assert "\u202e" not in checked.name
    assert checked.name == "photogpj.exe.pdf"


def test_long_names_are_shortened():
    name = display_name("x" * 500 + ".pdf", "pdf")
    assert len(name) <= 130
    assert name.endswith(".pdf")


def test_clean_name_has_no_control_characters():
    cleaned = clean_name("a\tb\x07c\x1b[31md\u200be")
    assert all(ord(ch) >= 32 for ch in cleaned)
    assert "\u200b" not in cleaned


# --- count limit -------------------------------------------------------------------------------------


def test_too_many_files_for_the_claim(settings):
    settings.POE_MAX_FILES_PER_CLAIM = 3
    files = [upload(f"p{i}.pdf", pdf_bytes()) for i in range(2)]
    accepted, errors = check_uploads(files, existing_count=2)
    assert accepted == []
    assert len(errors) == 1
    assert "at most 3" in errors[0]
    assert "room for 1" in errors[0]


def test_each_refused_file_gets_its_own_message():
    files = [upload("good.pdf", pdf_bytes()), upload("bad.pdf", b"<html></html>"), upload("zero.txt", b"")]
    accepted, errors = check_uploads(files)
    assert [a.name for a in accepted] == ["good.pdf"]
    assert len(errors) == 2
    assert "bad.pdf" in errors[0]
    assert "zero.txt" in errors[1]
