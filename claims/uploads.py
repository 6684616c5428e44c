"""Checking proof-of-execution (PoE) uploads before ``claims.services.poe_attach`` stores them.

The type of a file is decided by its content (magic bytes and structure), never by its name
or the browser's Content-Type. Allowed: PDF, DOCX, XLSX, PPTX, PNG, JPEG, EML, MSG and plain
UTF-8 text. Refused besides: empty files, files over ``settings.POE_MAX_FILE_BYTES``, more
files than ``settings.POE_MAX_FILES_PER_CLAIM`` on one claim, web content (HTML, SVG, script)
however it is named, images with data hidden after their end, macro-enabled Office files and
zip bombs. The original file name is kept for display only, cleaned by ``display_name``.
"""

import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Office documents are zip files: limits that let real documents through and stop bombs.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_TOTAL_UNCOMPRESSED = 250 * 1024 * 1024
ZIP_MAX_RATIO = 100  # declared uncompressed size / compressed size over the whole archive
ZIP_MAX_CONTENT_TYPES_BYTES = 1024 * 1024
# Bytes a JPEG may carry after its end-of-image marker (some cameras pad); never markup.
JPEG_MAX_TRAILING = 1024
NAME_MAX_CHARS = 120

PDF, DOCX, XLSX, PPTX, PNG, JPEG, EML, MSG, TXT = "pdf", "docx", "xlsx", "pptx", "png", "jpeg", "eml", "msg", "txt"

CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    PNG: "image/png",
    JPEG: "image/jpeg",
    EML: "message/rfc822",
    MSG: "application/vnd.ms-outlook",
    TXT: "text/plain",
}
# Extensions a display name may keep for each type (the first is used when it has another).
EXTENSIONS = {
    PDF: ("pdf",),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    PPTX: ("pptx",),
    PNG: ("png",),
    JPEG: ("jpg", "jpeg"),
    EML: ("eml",),
    MSG: ("msg",),
    TXT: ("txt", "text", "log", "csv"),
}
# Types a browser may show inline (reviewers' preview); everything else is download-only.
PREVIEWABLE_CONTENT_TYPES = frozenset({CONTENT_TYPES[PDF], CONTENT_TYPES[PNG], CONTENT_TYPES[JPEG]})
# The input's accept attribute: a hint for the file picker, not a check.
ACCEPT = ".pdf,.docx,.xlsx,.pptx,.png,.jpg,.jpeg,.eml,.msg,.txt"
ALLOWED_TYPES_TEXT = gettext_lazy(
    "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG, JPEG, e-mail (.eml, .msg) or plain text (.txt)"
)

# Signs of web content: such a file could run script if a browser ever rendered it.
MARKUP = re.compile(
    rb"<\s*(?:html|script|svg|body|head|iframe|object|embed|meta|link|style|img|a\s|form|!doctype|\?xml)",
    re.IGNORECASE,
)
# Control and formatting characters (incl. NUL, CR/LF, bidi overrides U+202A–U+202E and
# U+2066–U+2069, zero-width characters): never part of a displayed name.
_NAME_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


class UploadRejected(Exception):
    """The file is refused; ``message`` names the file and says why (in the user's language)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # cleaned display name, extension matching the detected type
    content: bytes
    kind: str
    content_type: str


# --- names ---------------------------------------------------------------------------------


def clean_name(raw) -> str:
    """A file name fit for display: no directories, control or bidi characters, bounded length."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(" " if ch in "\t\r\n" else ch for ch in text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _NAME_DROP_CATEGORIES)
    text = re.sub(r"\s+", " ", text).strip().lstrip(".").strip()
    return text


def display_name(raw, kind: str) -> str:
    """The cleaned name with the extension of the detected type: ``scan.exe`` detected as a
    PDF shows as ``scan.exe.pdf``, so the name never claims another type than the content."""
    text = clean_name(raw)
    allowed = EXTENSIONS[kind]
    stem, dot, ext = text.rpartition(".")
    if dot and stem and ext.lower() in allowed:
        ext = ext.lower()
    else:
        stem, ext = text, allowed[0]
    stem = stem.strip(" .") or _("file")
    if len(stem) > NAME_MAX_CHARS:
        stem = stem[:NAME_MAX_CHARS].rstrip(" .")
    return f"{stem}.{ext}"


def safe_header_name(name: str) -> str:
    """Belt and braces for Content-Disposition: whatever is stored, no control characters."""
    cleaned = clean_name(name)
    return cleaned or "file"


# --- content sniffing ------------------------------------------------------------------------


class _Bad(Exception):
    """Internal: why the content is refused (a translated reason, without the file name)."""


def _reason_damaged():
    return _("the file seems damaged or incomplete. Save or export it again and upload the new file.")


def _reason_markup():
    return _("it contains web page (HTML), SVG or script content, which is not allowed as proof of execution.")


def _check_pdf(data: bytes) -> str:
    return PDF


def _check_png(data: bytes) -> str:
    pos, seen_ihdr = 8, False
    while True:
        if pos + 8 > len(data):
            raise _Bad(_reason_damaged())
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        if not seen_ihdr and ctype != b"IHDR":
            raise _Bad(_reason_damaged())
        seen_ihdr = True
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            raise _Bad(_reason_damaged())
        pos = end
        if ctype == b"IEND":
            break
    if data[pos:].strip(b"\x00"):
        raise _Bad(
            _(
                "the image has extra data hidden after its end, which is not allowed. Open the image, save it "
                "again as PNG and upload the new file."
            )
        )
    return PNG


_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RSTn: markers without a length


def _jpeg_end(data: bytes) -> int:
    """Offset just past the first real end-of-image marker, walking the segment structure."""
    pos, n, in_scan = 2, len(data), False
    while pos < n:
        if in_scan:
            # Entropy-coded data: FF 00 is a stuffed byte, FF D0–D7 a restart marker.
            i = data.find(b"\xff", pos)
            if i < 0 or i + 1 >= n:
                raise _Bad(_reason_damaged())
            nxt = data[i + 1]
            if nxt == 0x00 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
                pos = i + (1 if nxt == 0xFF else 2)
                continue
            pos, in_scan = i, False
            continue
        if data[pos] != 0xFF:
            raise _Bad(_reason_damaged())
        while pos < n and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= n:
            raise _Bad(_reason_damaged())
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            return pos
        if marker in _JPEG_STANDALONE:
            continue
        if pos + 2 > n:
            raise _Bad(_reason_damaged())
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > n:
            raise _Bad(_reason_damaged())
        pos += length
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            in_scan = True
    raise _Bad(_reason_damaged())


def _check_jpeg(data: bytes) -> str:
    end = _jpeg_end(data)
    trailing = data[end:]
    if len(trailing) > JPEG_MAX_TRAILING or MARKUP.search(trailing):
        raise _Bad(
            _(
                "the image has extra data hidden after its end, which is not allowed. Open the image, save it "
                "again as JPEG and upload the new file."
            )
        )
    return JPEG


_OOXML = (
    ("word/document.xml", DOCX, b"wordprocessingml.document.main+xml"),
    ("xl/workbook.xml", XLSX, b"spreadsheetml.sheet.main+xml"),
    ("ppt/presentation.xml", PPTX, b"presentationml.presentation.main+xml"),
)


def _check_zip(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise _Bad(_reason_damaged())
    too_big = _(
        "the document is a compressed archive that would expand to an unsafe size or number of parts. "
        "Save it again from Office and upload the new file."
    )
    if len(infos) > ZIP_MAX_ENTRIES:
        raise _Bad(too_big)
    total = sum(max(info.file_size, 0) for info in infos)
    packed = sum(max(info.compress_size, 0) for info in infos) or 1
    if total > ZIP_MAX_TOTAL_UNCOMPRESSED or total / packed > ZIP_MAX_RATIO:
        raise _Bad(too_big)
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        raise _Bad(_("its content is not one of the allowed types (%(types)s).") % {"types": ALLOWED_TYPES_TEXT})
    try:
        with archive.open("[Content_Types].xml") as handle:
            content_types = handle.read(ZIP_MAX_CONTENT_TYPES_BYTES + 1)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        raise _Bad(_reason_damaged())
    if len(content_types) > ZIP_MAX_CONTENT_TYPES_BYTES:
        raise _Bad(too_big)
    lowered = content_types.lower()
    if b"macroenabled" in lowered or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _Bad(
            _(
                "documents with macros are not allowed. Save it as a document without macros (.docx, .xlsx "
                "or .pptx) and upload that."
            )
        )
    for part, kind, main_type in _OOXML:
        if part in names and main_type.lower() in lowered:
            return kind
    raise _Bad(_("its content is not one of the allowed types (%(types)s).") % {"types": ALLOWED_TYPES_TEXT})


_MSG_MARKERS = ("__substg1.0_".encode("utf-16-le"), "__properties_version1.0".encode("utf-16-le"))


def _check_ole(data: bytes) -> str:
    if any(marker in data for marker in _MSG_MARKERS):
        return MSG
    raise _Bad(
        _(
            "older Office files (.doc, .xls, .ppt) are not accepted. Save it in the current format (.docx, .xlsx "
            "or .pptx) and upload that."
        )
    )


_HEADER_LINE = re.compile(r"^[!-9;-~]+:")
_EML_HEADERS = {"from", "to", "subject", "date", "message-id", "received", "mime-version", "return-path", "cc"}


def _text(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f")
    return None if controls else text


def _looks_like_eml(text: str) -> bool:
    head, _sep, _body = text[:65536].replace("\r\n", "\n").partition("\n\n")
    if not _sep:
        return False
    names = []
    for i, line in enumerate(head.split("\n")):
        if line[:1] in (" ", "\t") and i > 0:
            continue  # folded header line
        if not _HEADER_LINE.match(line):
            return False
        names.append(line.split(":", 1)[0].strip().lower())
    known = _EML_HEADERS.intersection(names)
    return ("from" in known or "received" in known) and len(known) >= 2


def _check_text(data: bytes) -> str:
    text = _text(data)
    if text is None:
        raise _Bad(_("its content is not one of the allowed types (%(types)s).") % {"types": ALLOWED_TYPES_TEXT})
    if _looks_like_eml(text):
        return EML
    start = text.lstrip()
    if start.startswith("<") or MARKUP.search(text[:1024].encode()):
        raise _Bad(_reason_markup())
    return TXT


_MAGIC = (
    (b"%PDF-", _check_pdf),
    (b"\x89PNG\r\n\x1a\n", _check_png),
    (b"\xff\xd8\xff", _check_jpeg),
    (b"PK\x03\x04", _check_zip),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _check_ole),
)


def sniff(data: bytes) -> str:
    """The allowed type of ``data`` (a key of ``CONTENT_TYPES``), or ``_Bad`` with the reason."""
    for magic, check in _MAGIC:
        if data.startswith(magic):
            return check(data)
    head = data[:1024]
    if MARKUP.search(head) or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise _Bad(_reason_markup())
    import filetype

    guess = filetype.guess(data[:8192])
    if guess is not None:
        raise _Bad(
            _("it is a %(ext)s file; allowed are %(types)s.")
            % {"ext": guess.extension.upper(), "types": ALLOWED_TYPES_TEXT}
        )
    return _check_text(data)


# --- the checks a view runs ----------------------------------------------------------------


def _rejected(name: str, reason: str) -> UploadRejected:
    return UploadRejected(_("“%(name)s” was not accepted: %(reason)s") % {"name": name or _("file"), "reason": reason})


def check_upload(uploaded) -> CheckedUpload:
    """Check one uploaded file (a Django ``UploadedFile``) and return what to store."""
    shown = clean_name(getattr(uploaded, "name", "")) or _("file")
    size = getattr(uploaded, "size", None)
    limit = settings.POE_MAX_FILE_BYTES
    if size is not None and size > limit:
        raise _rejected(
            shown, _("the file is larger than %(limit)s. Upload a smaller file.") % {"limit": filesizeformat(limit)}
        )
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise _rejected(
            shown, _("the file is larger than %(limit)s. Upload a smaller file.") % {"limit": filesizeformat(limit)}
        )
    if not data:
        raise _rejected(shown, _("the file is empty."))
    try:
        kind = sniff(data)
    except _Bad as exc:
        raise _rejected(shown, str(exc))
    return CheckedUpload(
        name=display_name(uploaded.name, kind), content=data, kind=kind, content_type=CONTENT_TYPES[kind]
    )


def check_uploads(files, *, existing_count: int = 0) -> tuple[list[CheckedUpload], list[str]]:
    """Check every file; returns the accepted ones and one message per refused file (or one
    message when the claim would get too many files, in which case nothing is accepted)."""
    files = [f for f in files if f is not None]
    limit = settings.POE_MAX_FILES_PER_CLAIM
    if existing_count + len(files) > limit:
        room = max(limit - existing_count, 0)
        message = _(
            "Too many files: a claim can have at most %(limit)d PoE files and this one has room for %(room)d "
            "more, but you chose %(chosen)d. Choose fewer files."
        ) % {"limit": limit, "room": room, "chosen": len(files)}
        return [], [message]
    accepted, errors = [], []
    for uploaded in files:
        try:
            accepted.append(check_upload(uploaded))
        except UploadRejected as exc:
            errors.append(exc.message)
    return accepted, errors
