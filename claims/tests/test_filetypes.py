"""PoE content inspection (claims.filetypes): every file of the hostile corpus is refused with
its specific reason, every file of the benign corpus is accepted as the right kind, from a
BytesIO, a temporary file on disk and a Django temporary upload alike; sniffing 19 MiB files
stays within a few MiB of Python memory.

The corpus itself is in ``claims/tests/corpus.py``."""

import importlib.util
import io
import random
import tempfile
import tracemalloc

import olefile
import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile

from claims import filetypes
from claims.filetypes import Refused, sniff
from claims.tests import corpus

MIB = 1024 * 1024
HAS_CRYPTOGRAPHY = importlib.util.find_spec("cryptography") is not None


def _bytesio(data: bytes):
    return io.BytesIO(data)


def _tempfile(data: bytes):
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the fixture closes it
    handle.write(data)
    handle.seek(0)
    return handle


def _django_upload(data: bytes):
    upload = TemporaryUploadedFile("poe.bin", "application/octet-stream", len(data), None)
    upload.write(data)
    upload.seek(0)
    return upload


OPENERS = {"bytesio": _bytesio, "tempfile": _tempfile, "django-upload": _django_upload}


@pytest.fixture(params=sorted(OPENERS))
def opener(request):
    opened = []

    def open_(data: bytes):
        stream = OPENERS[request.param](data)
        opened.append(stream)
        return stream

    yield open_
    for stream in opened:
        stream.close()


def _ids(entries):
    return [entry[0] for entry in entries]


# --- the corpora ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("ident", "name", "build", "expected"), corpus.HOSTILE, ids=_ids(corpus.HOSTILE))
def test_hostile_file_is_refused_with_its_reason(opener, ident, name, build, expected):
    stream = opener(build())
    with pytest.raises(Refused) as info:
        sniff(stream)
    reason = str(info.value)
    assert expected in reason, reason
    assert name not in reason or name in expected  # the reason never names the uploaded file
    assert stream.tell() == 0  # left where a caller can read it again


@pytest.mark.parametrize(("ident", "name", "build", "kind"), corpus.BENIGN, ids=_ids(corpus.BENIGN))
def test_benign_file_is_accepted_as_its_kind(opener, ident, name, build, kind):
    stream = opener(build())
    assert sniff(stream) == kind
    assert stream.tell() == 0


def test_the_hostile_corpus_has_every_trick():
    ids = set(_ids(corpus.HOSTILE))
    assert len(corpus.HOSTILE) >= 40
    assert len(ids) == len(corpus.HOSTILE)
    required = {
        # e-mail
        "eml-html-only",
        "eml-html-attachment",
        "eml-exe-attachment",
        "eml-docm-attachment",
        "eml-js-attachment",
        "eml-zip-attachment",
        "eml-nested-rfc822",
        "eml-script-in-html",
        # text and CSV
        "text-markup-after-1k",
        "text-markup-after-1m",
        "csv-equals-dde",
        "csv-plus-hyperlink",
        "csv-minus-dde",
        "csv-at-sum",
        "csv-tab-prefixed",
        "csv-cr-prefixed",
        # Outlook and older Office
        "msg-fake-bytes",
        "msg-fake-ole",
        "msg-macros",
        "msg-html-script",
        "msg-exe-attachment",
        "msg-embedded-message",
        "doc",
        "doc-macros",
        "xls",
        "xls-macros",
        "ppt",
        "ppt-macros",
        # Office Open XML
        "docm",
        "xlsm",
        "pptm",
        "docx-vbaproject",
        "docx-zip-bomb",
        "docx-nested-zip",
        # PDF
        "pdf-openaction-js",
        "pdf-aa",
        "pdf-launch-annotation",
        "pdf-js-annotation",
        "pdf-embedded-file",
        "pdf-html-after-eof",
        "pdf-html-in-header",
        "html-before-pdf",
        "pdf-truncated",
        "pdf-password",
        # images, programs, web content
        "svg-as-png",
        "html-as-pdf",
        "png-html-appended",
        "jpeg-script-appended",
        "exe-as-pdf",
        "elf",
        "shell-script",
    }
    assert required <= ids, required - ids


def test_the_benign_corpus_has_what_partners_upload():
    ids = set(_ids(corpus.BENIGN))
    assert len(ids) == len(corpus.BENIGN)
    assert {
        "pdf-simple",
        "pdf-multipage-pypdf",
        "pdf-signed",
        "pdf-scanned",
        "png",
        "jpeg",
        "docx",
        "xlsx",
        "pptx",
        "eml-outlook-alternative-pdf",
        "eml-plain",
        "msg-pdf-attachment",
        "text-swedish",
        "text-minus-bullets",
    } <= ids
    assert {kind for *_rest, kind in corpus.BENIGN} == set(filetypes.CONTENT_TYPES)


# --- what the benign files really are --------------------------------------------------------------


def test_the_signed_pdf_has_a_byte_range_around_its_signature():
    data = corpus.pdf_signed()
    start = data.index(b"/ByteRange [") + len(b"/ByteRange [")
    a, b, c, d = (int(n) for n in data[start : data.index(b"]", start)].split())
    assert a == 0 and data[b : b + 1] == b"<" and data[c - 1 : c] == b">" and c + d == len(data)
    assert b"/FT /Sig" in data and b"/Encrypt" not in data


def test_the_outlook_message_is_a_real_compound_file():
    data = corpus.msg_bytes(html=corpus.OUTLOOK_HTML, attachments=[corpus.msg_attachment("P.pdf", b"%PDF-x")])
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        assert ole.root.clsid == "00020D0B-0000-0000-C000-000000000046"
        assert ole.exists("__properties_version1.0")
        assert ole.openstream("__substg1.0_001A001F").read().decode("utf-16-le") == "IPM.Note"
        assert ole.openstream("__attach_version1.0_#00000000/__substg1.0_37010102").read() == b"%PDF-x"
        assert ole.openstream("__substg1.0_10130102").read().decode() == corpus.OUTLOOK_HTML


def test_a_large_stream_goes_to_ordinary_sectors():
    big = bytes(range(256)) * 64  # 16 KiB: over the mini stream cutoff
    with olefile.OleFileIO(io.BytesIO(corpus.cfb({"Big": big, "Small": b"tiny"}))) as ole:
        assert ole.openstream("Big").read() == big
        assert ole.openstream("Small").read() == b"tiny"


# --- the rules in detail -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "- punkt ett",
        "- Möte med kunden (Contoso AB), 3 timmar",
        "-5 grader, +3 i går",
        "Kontakt: Åsa, +46 (0)70-123 45 67",
        "@Per: kan du ta demon?",
        "=> kunden godkände",
        "==== Rubrik ====",
        "a = b, c = d",
        "-- ",
        "2026-11-02;3;-1200",
    ],
)
def test_prose_is_not_mistaken_for_formulas(line):
    assert sniff(io.BytesIO(f"Anteckning\n{line}\n".encode())) == "txt"


@pytest.mark.parametrize(
    "line",
    [
        "=1+1",
        "x,=A1",
        'x;"=HYPERLINK(""https://evil.example"")"',
        "x,+SUM(A1:A3)",
        "x,-cmd|' /C calc'!A0",
        "x\t@SUM(1)",
        "x, =cmd|' /C calc'!A0",
    ],
)
def test_formula_cells_are_refused(line):
    with pytest.raises(Refused, match="spreadsheet formulas"):
        sniff(io.BytesIO(f"a,b\n{line}\n".encode()))


@pytest.mark.parametrize(
    "html",
    [
        '<p>Se <a href="https://contoso.example/?online=1&amp;x=2">länken</a>.</p>',
        '<p title="click on link=here" style="font-family:Calibri">Hej</p>',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="logo">',
        "<p>Vi pratade om JavaScript: det gick bra.</p>",
    ],
)
def test_ordinary_html_alternatives_are_accepted(html):
    assert sniff(io.BytesIO(corpus.eml_alternative(html))) == "eml"


def test_html_alternative_without_a_plain_text_part_is_refused():
    message = corpus._mail()
    message.set_content("<p>one</p>", subtype="html")
    message.add_alternative("<p>two</p>", subtype="html")
    with pytest.raises(Refused, match="only in web page"):
        sniff(io.BytesIO(message.as_bytes()))


def test_a_pdf_with_a_javascript_attachment_in_an_e_mail_names_the_attachment():
    hostile = corpus.pdf_doc(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ")
    with pytest.raises(Refused) as info:
        sniff(io.BytesIO(corpus.eml_with_attachment("Protokoll.pdf", hostile, "application", "pdf")))
    assert "“Protokoll.pdf”" in str(info.value) and "JavaScript" in str(info.value)


def test_an_attachment_name_is_shown_without_control_characters():
    with pytest.raises(Refused) as info:
        sniff(io.BytesIO(corpus.eml_with_attachment("evil\u202egnp.exe", corpus._EXE)))
    assert "\u202e" not in str(info.value) and "evilgnp.exe" in str(info.value)


@pytest.mark.skipif(HAS_CRYPTOGRAPHY, reason="with cryptography installed pypdf decrypts AES itself")
def test_an_aes_encrypted_pdf_that_cannot_be_decrypted_here_is_refused():
    """Without the optional ``cryptography`` package pypdf can check the (empty) password of
    an AES-encrypted PDF but not read its objects: refused as unchecked, never a crash."""
    with pytest.raises(Refused, match="encrypted in a way that cannot be checked"):
        sniff(io.BytesIO(corpus.pdf_encrypted_aes_owner_only()))


def test_an_empty_stream_is_refused():
    with pytest.raises(Refused, match="empty"):
        sniff(io.BytesIO(b""))


def test_the_position_is_reset_even_after_reading_elsewhere():
    stream = io.BytesIO(corpus.pdf_bytes())
    stream.seek(10)
    assert sniff(stream) == "pdf"
    assert stream.tell() == 0


# --- memory: files are read in pieces, never whole -------------------------------------------------------

# Reading a 19 MiB file whole would take at least 19 MiB; sniffing stays far below that.
PEAK_LIMIT = 8 * MIB


def _write_scanned_pdf(handle, size: int) -> None:
    """An image-only PDF of ``size`` bytes: one page showing one large JPEG-like image stream."""
    head = (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>\nendobj\n"
        b"4 0 obj\n<< /Length 30 >>\nstream\nq 595 0 0 842 0 0 cm /Im0 Do Q\nendstream\nendobj\n"
    )
    offsets = [head.index(b"%d 0 obj" % number) for number in (1, 2, 3, 4)] + [len(head)]
    length = size - len(head) - 400
    handle.write(
        head + b"5 0 obj\n<< /Type /XObject /Subtype /Image /Width 4000 /Height 3000 /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % length
    )
    noise, left = random.Random(3), length
    while left:
        step = min(left, MIB)
        handle.write(noise.randbytes(step))
        left -= step
    handle.write(b"\nendstream\nendobj\n")
    xref = handle.tell()
    handle.write(b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    handle.write(b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)


def _write_text(handle, size: int) -> None:
    block = (corpus.SWEDISH_NOTES + corpus.BULLET_NOTES).encode()
    while handle.tell() + len(block) <= size:
        handle.write(block)


@pytest.mark.parametrize(("write", "kind"), [(_write_scanned_pdf, "pdf"), (_write_text, "txt")], ids=["pdf", "txt"])
def test_sniffing_a_19_mib_file_keeps_python_memory_small(write, kind):
    with tempfile.TemporaryFile() as handle:
        write(handle, 19 * MIB)
        assert handle.tell() > 18 * MIB
        handle.seek(0)
        tracemalloc.start()
        try:
            assert sniff(handle) == kind
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < PEAK_LIMIT, f"sniffing took {peak / MIB:.1f} MiB of Python memory"


def test_a_markup_tag_at_the_end_of_a_19_mib_text_is_found():
    with tempfile.TemporaryFile() as handle:
        _write_text(handle, 19 * MIB)
        handle.write(b"<iframe src=https://evil.example>\n")
        handle.seek(0)
        with pytest.raises(Refused, match="web page"):
            sniff(handle)
