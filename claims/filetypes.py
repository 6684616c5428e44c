"""What a proof-of-execution (PoE) file is, decided from its content and checked all the way
through: ``sniff(stream)`` returns the kind (a key of ``CONTENT_TYPES``) or raises ``Refused``
with a translated reason that says what is wrong and what to do instead.

``sniff`` works on a seekable binary file object (a Django temporary upload, a BytesIO): it
reads the file by position in pieces of at most ``CHUNK_BYTES`` and never holds a whole file in
memory, except an e-mail (the standard library's parser keeps the message it parses) and the
decoded attachments of a container, one at a time. The file's position is left at its start.

The rules, and why:

- **Name and browser Content-Type are never trusted**; the content decides. Containers (e-mails)
  are the exception that proves it: the recipient's mail program opens an attachment by its
  name, so an attachment's name must match its content too.
- **PNG, JPEG**: the chunk or segment structure must be whole, and nothing but padding may
  follow the image's end (data after the end is how image/HTML polyglots are made).
- **Office (.docx, .xlsx, .pptx)**: a zip whose declared size and ratio are sane (no bombs),
  without macros (VBA projects, macro sheets), ActiveX controls, templates or objects loaded
  from elsewhere, archives or programs hidden inside, or embedded object packages. Office files
  embedded in the document (charts) are checked the same way, one level deep.
- **Older Office (.doc, .xls, .ppt)**: refused; the reason names macros when they are there.
- **Outlook .msg**: a real compound file with the message property structure
  (``__properties_version1.0`` at the root, a message class ``IPM.…``), no macro storages,
  an HTML body that passes the e-mail HTML rule below, every attachment an allowed file
  (checked by ``sniff`` itself), no embedded messages or objects, no attachments that are only
  links to files elsewhere.
- **E-mail (.eml)**: parsed with the standard library's ``email`` parser. A real e-mail
  almost always carries its text twice, as text/plain and text/html alternatives, and users
  expect those to be accepted; the danger of HTML is a browser rendering it, and uploads are
  never rendered inline (only PDF, PNG and JPEG are previewed; downloads are ``attachment``
  with ``nosniff``). So text/html is accepted only as an alternative of a text/plain part
  (inside a multipart/alternative that has one), and only without script: no ``<script>``,
  no event handler attributes (``on…=``), no ``javascript:``/``vbscript:`` URLs, no
  ``<iframe>``, ``<frame>``, ``<object>``, ``<embed>``, ``<applet>``, ``<form>``, ``<svg>``,
  ``<base>`` or refreshing ``<meta>``. An e-mail whose only or main body is HTML, or which
  carries HTML as an attachment, is refused. text/plain parts follow the text-file rule for
  markup. Attachments must be allowed files whose name matches their content (``sniff`` on the
  decoded payload, one level deep: an attached e-mail or Outlook message is a nested container
  and refused), within ``MAIL_MAX_PARTS`` parts and ``MAIL_MAX_DECODED_BYTES`` in all. An
  S/MIME signature part is accepted unchecked (it is a signature, not a document); an
  encrypted e-mail cannot be checked and is refused.
- **PDF**: opened with pypdf (one that does not open is damaged). Refused: JavaScript (``/JS``,
  ``/JavaScript``), ``/Launch``, ``/SubmitForm`` and ``/ImportData`` actions anywhere, an
  ``/OpenAction`` that is one of those or a ``/URI``, additional actions (``/AA``), embedded
  files, rich media and 3D, XFA forms, anything but whitespace or ``%`` comment lines after
  the last ``%%EOF`` (a polyglot's payload goes there; comments are inert in PDF and some
  tools write them), and HTML in the first or last 4 KiB (where a browser sniffing the file
  looks). Link annotations with ``/URI`` actions are ordinary hyperlinks and accepted. Signed
  PDFs (``/Sig`` fields with ``/ByteRange``) are not encrypted and are accepted. A PDF that
  needs a password to open is refused: a reviewer could not open it. One that opens without a
  password (only editing or printing restricted) is checked after decrypting it; when its
  encryption cannot be decrypted here it is refused too, as it cannot be checked.
- **Text**: UTF-8 without NUL or control characters, and no markup anywhere in the file (read
  in chunks, not only the first KiB), not a script (``#!``) or RTF. Spreadsheet formulas are
  refused (a text file may be opened by a spreadsheet program): a cell is the start of a line
  or what follows ``,`` ``;`` tab or a lone CR (an opening ``"`` and spaces skipped); it is a
  formula when it starts with ``=`` followed by a letter, digit or one of ``( " ' $ @ + - .``,
  or with ``+``, ``-`` or ``@`` and contains a function call (a letter or digit directly
  followed by ``(``) or a DDE pipe ``|``. That is the simplest rule that catches the known
  injections (``=cmd|…``, ``+HYPERLINK(…)``, ``-2+3+cmd|…``, ``@SUM(…)``) and accepts prose:
  minus-sign bullets, negative numbers, phone numbers like ``+46 (0)70…`` and ``@`` mentions.
"""

import codecs
import email.errors
import email.policy
import html
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from email.parser import BytesFeedParser

import filetype
import olefile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

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
    TXT: ("txt", "text", "log"),  # a .csv is shown as .csv.txt: opened as text, never by a spreadsheet
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
# The same in binary files (a PDF's first and last KiB): whole tag names only, as random
# compressed bytes would sometimes spell "<a " but practically never "<script" or "</html".
BINARY_MARKUP = re.compile(
    rb"<\s*/?\s*(?:html|script|svg|body|head|iframe|object|embed|meta|link|style|img|form|!doctype|a\s+href)\b",
    re.IGNORECASE,
)

CHUNK_BYTES = 1024 * 1024  # read a file this much at a time
HEAD_BYTES = 64 * 1024  # what type detection looks at first
MARKUP_OVERLAP = 256  # bytes carried between chunks so a tag split across two is still seen
# Office documents are zip files: limits that let real documents through and stop bombs.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_TOTAL_UNCOMPRESSED = 250 * 1024 * 1024
ZIP_MAX_RATIO = 100  # declared uncompressed size / compressed size over the whole archive
ZIP_MAX_CONTENT_TYPES_BYTES = 1024 * 1024
ZIP_MAX_RELS_BYTES = 1024 * 1024
ZIP_MAX_EMBEDDED_BYTES = 25 * 1024 * 1024  # an Office file or OLE object embedded in a document
# Bytes a JPEG may carry after its end-of-image marker (some cameras pad); never markup.
JPEG_MAX_TRAILING = 1024
# A PDF: where HTML is looked for, and what may follow its last %%EOF.
PDF_MARKUP_WINDOW = 4096
PDF_EOF_WINDOW = 64 * 1024
PDF_MAX_TRAILING = 1024
PDF_MAX_OBJECTS = 200_000
# E-mail: parts and decoded attachment bytes one message may carry.
MAIL_MAX_PARTS = 500
MAIL_MAX_DECODED_BYTES = 30 * 1024 * 1024
MSG_MAX_ATTACHMENTS = 500
# A text line longer than this is checked for formulas in pieces.
TEXT_MAX_LINE = 64 * 1024


class Refused(Exception):
    """The content is refused. ``str(exc)`` is the translated reason, without the file name;
    ``code`` says what kind of problem it is, so a container (an e-mail) can name what its
    attachment is ("program", "script", "markup", "macros", "archive", "nested", …)."""

    def __init__(self, reason: str, code: str = "type"):
        super().__init__(reason)
        self.reason = reason
        self.code = code

    def __str__(self) -> str:
        return self.reason


# --- reasons -------------------------------------------------------------------------------------


def _damaged() -> Refused:
    return Refused(
        _("the file seems damaged or incomplete. Save or export it again and upload the new file."), "damaged"
    )


def _not_allowed() -> Refused:
    return Refused(
        _("its content is not one of the allowed types (%(types)s). Save or export it as one of them and upload that.")
        % {"types": ALLOWED_TYPES_TEXT}
    )


def _markup() -> Refused:
    return Refused(
        _(
            "it contains web page (HTML), SVG or script content, which is not allowed as proof of execution. Save "
            "it as PDF (for example with Print > Save as PDF) and upload that."
        ),
        "markup",
    )


def _program() -> Refused:
    return Refused(
        _(
            "it is a program (such as an .exe file), which is not allowed as proof of execution. Upload a "
            "document, image or e-mail instead."
        ),
        "program",
    )


def _script() -> Refused:
    return Refused(
        _("it is a script, which is not allowed as proof of execution. Upload a document, image or e-mail instead."),
        "script",
    )


def _archive() -> Refused:
    return Refused(
        _(
            "it is a compressed archive or disk image (such as ZIP, RAR, 7z or ISO), which is not one of the "
            "allowed types (%(types)s). Unpack it and upload the files inside one by one."
        )
        % {"types": ALLOWED_TYPES_TEXT},
        "archive",
    )


def _macros() -> Refused:
    return Refused(
        _(
            "documents with macros are not allowed. Save it as a document without macros (.docx, .xlsx "
            "or .pptx) and upload that."
        ),
        "macros",
    )


def _image_trailing(kind_name: str) -> Refused:
    return Refused(
        _(
            "the image has extra data hidden after its end, which is not allowed. Open the image, save it "
            "again as %(kind)s and upload the new file."
        )
        % {"kind": kind_name},
        "image",
    )


# --- reading a stream ------------------------------------------------------------------------------


class _Source:
    """A seekable binary stream read by position, in bounded pieces."""

    def __init__(self, stream):
        self.stream = stream
        stream.seek(0, io.SEEK_END)
        self.size = stream.tell()
        self.head = self.read_at(0, HEAD_BYTES)

    def read_at(self, pos: int, count: int) -> bytes:
        self.stream.seek(max(pos, 0))
        parts, left = [], count
        while left > 0:
            piece = self.stream.read(min(left, CHUNK_BYTES))
            if not piece:
                break
            parts.append(piece)
            left -= len(piece)
        return b"".join(parts)

    def chunks(self, start: int = 0):
        """(offset, bytes) pieces from ``start`` to the end."""
        pos = start
        while pos < self.size:
            piece = self.read_at(pos, CHUNK_BYTES)
            if not piece:
                return
            yield pos, piece
            pos += len(piece)

    def search(self, pattern: re.Pattern, start: int = 0) -> re.Match | None:
        """The first match of ``pattern`` anywhere from ``start``, chunk by chunk; a match may
        span two chunks as long as it is shorter than ``MARKUP_OVERLAP`` bytes."""
        tail = b""
        for _offset, piece in self.chunks(start):
            found = pattern.search(tail + piece)
            if found:
                return found
            tail = piece[-MARKUP_OVERLAP:]
        return None


# --- the entry point -----------------------------------------------------------------------------------


def sniff(stream) -> str:
    """The allowed kind of the file in ``stream`` (a key of ``CONTENT_TYPES``), or ``Refused``."""
    try:
        return _sniff(_Source(stream), depth=0)
    finally:
        stream.seek(0)


def _sniff(src: _Source, depth: int) -> str:
    """``depth`` is 0 for an upload and 1 for an attachment inside one (containers refuse to
    nest)."""
    head = src.head
    if not head:
        raise Refused(_("the file is empty."), "empty")
    for magic, check in _MAGIC:
        if head.startswith(magic):
            return check(src, depth)
    if _looks_like_eml(head):
        return _check_eml(src, depth)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n\f")
    if start.startswith(b"<") or MARKUP.search(head[:1024]):
        raise _markup()
    if start.startswith(b"{\\rtf"):  # text, but Word opens it, embedded objects and all
        raise Refused(
            _("it is an RTF document; allowed are %(types)s. Save it as Word (.docx) or PDF and upload that.")
            % {"types": ALLOWED_TYPES_TEXT}
        )
    _refuse_known_binary(src)
    return _check_text(src, depth)


# --- binaries that are never allowed ---------------------------------------------------------------------

_PROGRAM_MAGIC = (
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # Mach-O (macOS), both byte orders, 32 and 64 bit
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary or Java class
    b"L\x00\x00\x00\x01\x14\x02\x00",  # Windows shortcut (.lnk)
    b"\x00asm",  # WebAssembly
)
_ARCHIVE_KINDS = {"zip", "tar", "rar", "gz", "bz2", "7z", "xz", "lz", "lz4", "zstd", "cab", "ar", "deb", "rpm", "Z"}
_PROGRAM_KINDS = {"exe", "elf", "dex", "wasm", "crx"}


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 without NUL or control characters (a multi-byte character cut at the end is fine)."""
    if b"\x00" in head:
        return False
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return False
    return not _CONTROL.search(text)


def _refuse_known_binary(src: _Source) -> None:
    head = src.head
    if head.startswith(b"MZ") and b"\x00" in head[:64]:  # a Windows program (text has no NUL)
        raise _program()
    if head.startswith(_PROGRAM_MAGIC):
        raise _program()
    if src.read_at(0x8001, 5) in (b"CD001", b"BEA01", b"NSR02"):  # ISO 9660 / UDF disk image
        raise _archive()
    if _looks_like_text(head[:8192]):
        return  # a note that happens to begin "BMW…" or "ID3…" is not a bitmap or an MP3
    guess = filetype.guess(head[:8192])
    if guess is None:
        return
    if guess.extension in _ARCHIVE_KINDS:
        raise _archive()
    if guess.extension in _PROGRAM_KINDS:
        raise _program()
    raise Refused(
        _("it is a %(ext)s file; allowed are %(types)s. Save or export it as one of them and upload that.")
        % {"ext": guess.extension.upper(), "types": ALLOWED_TYPES_TEXT}
    )


# --- images ------------------------------------------------------------------------------------------------


def _check_png(src: _Source, depth: int) -> str:
    pos, seen_ihdr = 8, False
    while True:
        header = src.read_at(pos, 8)
        if len(header) < 8:
            raise _damaged()
        length, ctype = struct.unpack(">I4s", header)
        if not seen_ihdr and ctype != b"IHDR":
            raise _damaged()
        seen_ihdr = True
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > src.size:
            raise _damaged()
        pos = end
        if ctype == b"IEND":
            break
    for _offset, piece in src.chunks(pos):
        if piece.strip(b"\x00"):
            raise _image_trailing("PNG")
    return PNG


_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RSTn: markers without a length


def _jpeg_scan_end(src: _Source, pos: int) -> int:
    """Offset of the marker that ends entropy-coded data starting at ``pos``: FF 00 is a
    stuffed byte, FF D0–D7 a restart marker, FF FF fill."""
    while True:
        window = src.read_at(pos, CHUNK_BYTES)
        if len(window) < 2:
            raise _damaged()
        i = 0
        while True:
            i = window.find(b"\xff", i)
            if i < 0:
                pos += len(window)
                break
            if i + 1 >= len(window):
                pos += i  # read again from the FF, with the byte after it
                break
            nxt = window[i + 1]
            if nxt == 0x00 or 0xD0 <= nxt <= 0xD7:
                i += 2
            elif nxt == 0xFF:
                i += 1
            else:
                return pos + i


def _jpeg_end(src: _Source) -> int:
    """Offset just past the first real end-of-image marker, walking the segment structure."""
    pos = 2
    while pos < src.size:
        head = src.read_at(pos, 64)
        if not head or head[0] != 0xFF:
            raise _damaged()
        fill = len(head) - len(head.lstrip(b"\xff"))
        if fill == len(head):
            raise _damaged()
        pos += fill
        marker = head[fill]
        pos += 1
        if marker == 0xD9:
            return pos
        if marker in _JPEG_STANDALONE:
            continue
        size = src.read_at(pos, 2)
        if len(size) < 2:
            raise _damaged()
        (length,) = struct.unpack(">H", size)
        if length < 2 or pos + length > src.size:
            raise _damaged()
        pos += length
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            pos = _jpeg_scan_end(src, pos)
    raise _damaged()


def _check_jpeg(src: _Source, depth: int) -> str:
    end = _jpeg_end(src)
    trailing = src.read_at(end, JPEG_MAX_TRAILING + 1)
    if len(trailing) > JPEG_MAX_TRAILING or MARKUP.search(trailing):
        raise _image_trailing("JPEG")
    return JPEG


# --- Office Open XML (zip) -----------------------------------------------------------------------------------

_OOXML = (
    ("word/document.xml", DOCX, b"wordprocessingml.document.main+xml"),
    ("xl/workbook.xml", XLSX, b"spreadsheetml.sheet.main+xml"),
    ("ppt/presentation.xml", PPTX, b"presentationml.presentation.main+xml"),
)
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError)
_ZIP_READ_ERRORS = (*_ZIP_ERRORS, RuntimeError, zlib.error)
_NESTED_ARCHIVE_MAGIC = (b"PK\x03\x04", b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"MSCF", b"\xfd7zXZ", b"BZh")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Relationship types that make Office fetch something from elsewhere when the file opens.
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.IGNORECASE)
_EXTERNAL_MODE = re.compile(rb"TargetMode\s*=\s*[\"']External[\"']", re.IGNORECASE)
_LOADED_TYPE = re.compile(rb"Type\s*=\s*[\"'][^\"']*/(?:attachedTemplate|oleObject|frame|subDocument)[\"']", re.I)


def _zip_too_big() -> Refused:
    return Refused(
        _(
            "the document is a compressed archive that would expand to an unsafe size or number of parts. "
            "Save it again from Office and upload the new file."
        ),
        "zip-size",
    )


def _check_zip(src: _Source, depth: int) -> str:
    try:
        archive = zipfile.ZipFile(src.stream)
        infos = archive.infolist()
    except _ZIP_ERRORS:
        raise _damaged()
    with archive:
        _check_zip_sizes(infos)
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names:
            raise _archive()
        content_types = _zip_read(archive, "[Content_Types].xml", ZIP_MAX_CONTENT_TYPES_BYTES).lower()
        _check_ooxml_active_content(archive, infos, content_types)
        _check_ooxml_parts(archive, infos, depth)
    for part, kind, main_type in _OOXML:
        if part in names and main_type.lower() in content_types:
            return kind
    raise _not_allowed()


def _check_zip_sizes(infos) -> None:
    if len(infos) > ZIP_MAX_ENTRIES:
        raise _zip_too_big()
    total = sum(max(info.file_size, 0) for info in infos)
    packed = sum(max(info.compress_size, 0) for info in infos) or 1
    if total > ZIP_MAX_TOTAL_UNCOMPRESSED or total / packed > ZIP_MAX_RATIO:
        raise _zip_too_big()


def _zip_read(archive, name: str, limit: int) -> bytes:
    """A part of the archive, refused as unsafe when it is larger than ``limit``."""
    try:
        with archive.open(name) as handle:
            data = handle.read(limit + 1)
    except _ZIP_READ_ERRORS:
        raise _damaged()
    if len(data) > limit:
        raise _zip_too_big()
    return data


def _check_ooxml_active_content(archive, infos, content_types: bytes) -> None:
    """Macros (VBA projects, Excel 4 macro sheets), ActiveX controls and parts that Office
    loads from elsewhere when the document opens: each can run code on the reviewer's machine."""
    lowered = [info.filename.lower() for info in infos]
    if (
        b"macroenabled" in content_types
        or b"macrosheet" in content_types
        or b"vbaproject" in content_types
        or any(n.endswith("vbaproject.bin") or n.endswith("vbadata.xml") or "/macrosheets/" in n for n in lowered)
    ):
        raise _macros()
    if b"activex" in content_types or any("/activex/" in n for n in lowered):
        raise Refused(
            _(
                "the document contains ActiveX controls, which can run programs when it is opened. Save it again "
                "without them (.docx, .xlsx or .pptx) and upload that."
            ),
            "macros",
        )
    for info in infos:
        if info.filename.lower().endswith(".rels") and _loads_external(
            _zip_read(archive, info.filename, ZIP_MAX_RELS_BYTES)
        ):
            raise Refused(
                _(
                    "the document loads a template or object from another place when it is opened, which is not "
                    "allowed. Save it again without linked templates or objects and upload that."
                ),
                "macros",
            )


def _loads_external(rels: bytes) -> bool:
    return any(
        _EXTERNAL_MODE.search(tag.group(0)) and _LOADED_TYPE.search(tag.group(0))
        for tag in _RELATIONSHIP.finditer(rels)
    )


def _check_ooxml_parts(archive, infos, depth: int) -> None:
    """No archive or program hidden in a part; Office files and OLE objects embedded in the
    document (such as charts) are checked too, one level deep."""
    for info in infos:
        if info.is_dir() or info.file_size < 4:
            continue
        start = _zip_read_start(archive, info.filename)
        embedded = "/embeddings/" in info.filename.lower()
        if start.startswith((b"MZ", *_PROGRAM_MAGIC)):
            raise _nested_in_office()
        if start.startswith(b"PK\x03\x04") and embedded and depth == 0:
            data = _zip_read(archive, info.filename, ZIP_MAX_EMBEDDED_BYTES)
            try:
                _check_zip(_Source(io.BytesIO(data)), depth + 1)
            except Refused as exc:
                if exc.code in ("archive", "type"):
                    raise _nested_in_office()
                raise
        elif start.startswith(_NESTED_ARCHIVE_MAGIC):
            raise _nested_in_office()
        elif start.startswith(_OLE_MAGIC) and embedded:
            _check_embedded_ole(_zip_read(archive, info.filename, ZIP_MAX_EMBEDDED_BYTES))


def _zip_read_start(archive, name: str) -> bytes:
    try:
        with archive.open(name) as handle:
            return handle.read(8)
    except _ZIP_READ_ERRORS:
        raise _damaged()


def _nested_in_office() -> Refused:
    return Refused(
        _(
            "the document has another archive or a program hidden inside it, which is not allowed. Save it "
            "again from Office without embedded files and upload the new file."
        ),
        "office-nested",
    )


def _check_embedded_ole(data: bytes) -> None:
    """An OLE object embedded in an Office document: no macros, no packaged file (the
    "Package" object that wraps any file, a program too, behind an icon)."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except _OLE_ERRORS:
        raise _damaged()
    with ole:
        entries = ole.listdir(streams=True, storages=True)
        if _has_macros(entries):
            raise _macros()
        if any(path[-1].lower() in ("\x01ole10native", "package") for path in entries):
            raise Refused(
                _(
                    "the document contains an embedded file or object package, which is not allowed. Remove the "
                    "embedded object, save the document again and upload it."
                ),
                "office-nested",
            )


# --- OLE compound files: Outlook .msg and older Office ------------------------------------------------------

_OLE_ERRORS = (OSError, ValueError, IndexError, KeyError, TypeError, struct.error, EOFError, RecursionError)
_MACRO_STORAGES = {"macros", "_vba_project_cur", "vba", "_vba_project"}
_LEGACY_OFFICE_STREAMS = {"worddocument", "workbook", "book", "powerpoint document"}
_MSI_CLSIDS = {"000C1084-0000-0000-C000-000000000046", "000C1086-0000-0000-C000-000000000046"}
_ATTACH_BY_VALUE, _ATTACH_EMBEDDED_MSG, _ATTACH_OLE, _ATTACH_BY_WEB_REFERENCE = 1, 5, 6, 7
_ATTACH_BY_REFERENCE = {2, 3, 4}


def _has_macros(entries) -> bool:
    return any(part.lower() in _MACRO_STORAGES for path in entries for part in path)


def _check_ole(src: _Source, depth: int) -> str:
    try:
        ole = olefile.OleFileIO(src.stream)
    except _OLE_ERRORS:
        raise _damaged()
    try:
        with ole:
            entries = ole.listdir(streams=True, storages=True)
            top = {path[0].lower() for path in entries}
            if (ole.root.clsid or "").upper() in _MSI_CLSIDS:
                raise _program()
            if any(name.startswith(("__substg1.0_", "__properties_version1.0")) for name in top):
                return _check_msg(ole, entries, depth)
            if _has_macros(entries):
                raise Refused(
                    _(
                        "it is an older Office file (.doc, .xls or .ppt) that contains macros, which are not "
                        "allowed. Save it in the current format without macros (.docx, .xlsx or .pptx) and upload "
                        "that."
                    ),
                    "macros",
                )
            if top & _LEGACY_OFFICE_STREAMS:
                raise Refused(
                    _(
                        "older Office files (.doc, .xls, .ppt) are not accepted. Save it in the current format "
                        "(.docx, .xlsx or .pptx) and upload that."
                    ),
                    "legacy",
                )
            raise _not_allowed()
    except _OLE_ERRORS:
        raise _damaged()


def _msg_incomplete() -> Refused:
    return Refused(
        _(
            "it looks like an Outlook message (.msg) but is not a complete one. Open the e-mail in Outlook, save "
            "it again with File > Save As (Outlook Message Format) and upload the new file."
        ),
        "damaged",
    )


def _ole_string(ole, path: str) -> str | None:
    """A string property (``path`` without its type suffix): Unicode ``001F`` or 8-bit ``001E``."""
    for suffix, encoding in (("001F", "utf-16-le"), ("001E", "latin-1")):
        if ole.exists(path + suffix):
            return ole.openstream(path + suffix).read().decode(encoding, "replace").rstrip("\x00")
    return None


def _check_msg(ole, entries, depth: int) -> str:
    if depth > 0:
        raise _nested_mail()
    if not ole.exists("__properties_version1.0"):
        raise _msg_incomplete()
    props_size = ole.get_size("__properties_version1.0")
    if props_size < 32 or (props_size - 32) % 16:
        raise _msg_incomplete()
    message_class = _ole_string(ole, "__substg1.0_001A")
    if not message_class or not message_class.upper().startswith("IPM."):
        raise _msg_incomplete()
    if _has_macros(entries):
        raise Refused(
            _(
                "the Outlook message contains macros, which are not allowed. Forward the e-mail without them "
                "and upload that."
            ),
            "macros",
        )
    body = _ole_string(ole, "__substg1.0_1000")
    if body and MARKUP.search(body.encode("utf-8", "replace")):
        raise _mail_text_markup()
    html_body = _msg_html_body(ole)
    if html_body is not None:
        _check_mail_html(html_body)
    state = _MailState()
    attachments = sorted({path[0] for path in entries if path[0].lower().startswith("__attach_version1.0_#")})
    if len(attachments) > MSG_MAX_ATTACHMENTS:
        raise _mail_too_big()
    for storage in attachments:
        _check_msg_attachment(ole, storage, state, depth)
    return MSG


def _msg_html_body(ole) -> str | None:
    """The HTML body (PR_HTML): binary in the message's code page, or a string property."""
    if ole.exists("__substg1.0_10130102"):
        raw = ole.openstream("__substg1.0_10130102").read()
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or raw[1:2] == b"\x00":
            return raw.decode("utf-16", "replace")
        return raw.decode("utf-8", "replace")
    return _ole_string(ole, "__substg1.0_1013")


def _msg_attach_method(ole, storage: str) -> int | None:
    """PR_ATTACH_METHOD from the attachment's property stream (8-byte header, 16-byte entries)."""
    path = storage + "/__properties_version1.0"
    if not ole.exists(path):
        return None
    data = ole.openstream(path).read()
    for pos in range(8, len(data) - 15, 16):
        tag, _flags, value = struct.unpack_from("<IIi", data, pos)
        if tag == 0x37050003:
            return value
    return None


def _check_msg_attachment(ole, storage: str, state: "_MailState", depth: int) -> None:
    name = _ole_string(ole, storage + "/__substg1.0_3707") or _ole_string(ole, storage + "/__substg1.0_3704")
    name = name or _ole_string(ole, storage + "/__substg1.0_3001") or ""
    method = _msg_attach_method(ole, storage)
    if method == _ATTACH_EMBEDDED_MSG or ole.exists(storage + "/__substg1.0_3701000D"):
        if method == _ATTACH_OLE:
            raise _attachment_refused(name, _embedded_object())
        raise _attachment_refused(name, _nested_mail())
    if method == _ATTACH_OLE:
        raise _attachment_refused(name, _embedded_object())
    if method in _ATTACH_BY_REFERENCE:
        raise Refused(
            _(
                "it is an e-mail with an attachment “%(name)s” that is only a link to a file somewhere else. "
                "Attach the file itself, or upload it on its own."
            )
            % {"name": _shown(name)},
            "link",
        )
    data_path = storage + "/__substg1.0_37010102"
    if method == _ATTACH_BY_WEB_REFERENCE or not ole.exists(data_path):
        return  # a cloud link (like a link in the text) or nothing attached: nothing to check
    size = ole.get_size(data_path)
    state.add_decoded(size)
    _check_attachment(name, ole.openstream(data_path).read(), depth)


def _embedded_object() -> Refused:
    return Refused(_("it is an embedded object, which cannot be checked."), "nested")


# --- e-mail (.eml) ----------------------------------------------------------------------------------------

_HEADER_LINE = re.compile(r"^[!-9;-~]+:")
_EML_HEADERS = {"from", "to", "subject", "date", "message-id", "received", "mime-version", "return-path", "cc"}
_SIGNATURE_TYPES = {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
_ENCRYPTED_TYPES = {"application/pkcs7-mime", "application/x-pkcs7-mime", "multipart/encrypted"}
_MAIL_ERRORS = (
    ValueError,
    LookupError,
    UnicodeError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    email.errors.MessageError,
)


def _looks_like_eml(head: bytes) -> bool:
    """Headers, a blank line, then a body; with From (or Received) and another common header."""
    text = head.decode("latin-1").replace("\r\n", "\n")
    block, sep, _body = text.partition("\n\n")
    if not sep:
        return False
    names = []
    for i, line in enumerate(block.split("\n")):
        if line[:1] in (" ", "\t") and i > 0:
            continue  # folded header line
        if not _HEADER_LINE.match(line):
            return False
        names.append(line.split(":", 1)[0].strip().lower())
    known = _EML_HEADERS.intersection(names)
    return ("from" in known or "received" in known) and len(known) >= 2


class _MailState:
    """What one message has used of its bounds so far."""

    def __init__(self):
        self.parts = 0
        self.decoded = 0

    def add_part(self) -> None:
        self.parts += 1
        if self.parts > MAIL_MAX_PARTS:
            raise _mail_too_big()

    def add_decoded(self, size: int) -> None:
        self.decoded += size
        if self.decoded > MAIL_MAX_DECODED_BYTES:
            raise _mail_too_big()


def _mail_too_big() -> Refused:
    return Refused(
        _(
            "the e-mail has too many parts or attachments to check (at most %(parts)d parts and %(size)s of "
            "attachments). Forward it with fewer attachments and upload that."
        )
        % {"parts": MAIL_MAX_PARTS, "size": filesizeformat(MAIL_MAX_DECODED_BYTES)},
        "archive",
    )


def _nested_mail() -> Refused:
    return Refused(_("it is itself an e-mail, and e-mails inside e-mails cannot be checked."), "nested")


def _mail_text_markup() -> Refused:
    return Refused(
        _(
            "the e-mail's text contains web page (HTML) or script content, which is not allowed. Forward the "
            "e-mail as plain text without it and upload that."
        ),
        "markup",
    )


def _check_eml(src: _Source, depth: int) -> str:
    if depth > 0:
        raise _nested_mail()
    parser = BytesFeedParser(policy=email.policy.default)
    try:
        for _offset, piece in src.chunks():
            parser.feed(piece)
        message = parser.close()
        _check_mail_part(message, _MailState(), html_ok=False, depth=depth)
    except _MAIL_ERRORS:
        raise _damaged()
    return EML


def _is_attachment(part) -> bool:
    return (
        part.get_content_disposition() == "attachment"
        or part.get_filename() is not None
        or part.get_content_maintype() != "text"
    )


def _check_mail_part(part, state: _MailState, *, html_ok: bool, depth: int) -> None:
    """One MIME part and what is inside it. ``html_ok``: the part sits in a multipart/alternative
    that has a text/plain alternative, so an HTML body there is the formatted copy of the text."""
    state.add_part()
    ctype = part.get_content_type()
    if ctype in _ENCRYPTED_TYPES:
        raise Refused(
            _("the e-mail is encrypted, so its content cannot be checked. Save a decrypted copy and upload that."),
            "encrypted",
        )
    if part.get_content_maintype() == "message":
        raise _attachment_refused(part.get_filename() or "", _nested_mail())
    if part.is_multipart():
        children = list(part.iter_parts())
        if ctype == "multipart/alternative":
            html_ok = any(c.get_content_type() == "text/plain" and not _is_attachment(c) for c in children)
        for child in children:
            if ctype == "multipart/signed" and child.get_content_type() in _SIGNATURE_TYPES:
                continue  # the signature of the signed part, not a document
            _check_mail_part(child, state, html_ok=html_ok, depth=depth)
        return
    if not _is_attachment(part) and ctype == "text/plain":
        if MARKUP.search(part.get_content().encode("utf-8", "replace")):
            raise _mail_text_markup()
        return
    if not _is_attachment(part) and ctype == "text/html":
        if not html_ok:
            raise Refused(
                _(
                    "it is an e-mail whose text is only in web page (HTML) format. Forward or save it with a plain "
                    "text version (or save it from Outlook as .msg) and upload that."
                ),
                "markup",
            )
        _check_mail_html(part.get_content())
        return
    payload = part.get_payload(decode=True) or b""
    state.add_decoded(len(payload))
    _check_attachment(part.get_filename() or "", payload, depth)


# The e-mail HTML rule: what a formatted e-mail never needs and a hostile one uses to run code.
_HTML_DANGEROUS_TAG = re.compile(
    r"<\s*(script|iframe|frame|frameset|object|embed|applet|form|svg|base)\b", re.IGNORECASE
)
_HTML_TAG = re.compile(r"<[a-zA-Z!/?][^>]*>?")
_HTML_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_HTML_EVENT = re.compile(r"[\s/]on[a-z]+\s*=", re.IGNORECASE)
_HTML_SCRIPT_URL = re.compile(r"(?:java|vb|live)script:|data:(?:text/html|image/svg)", re.IGNORECASE)
_HTML_REFRESH = re.compile(r"<\s*meta\b[^>]*http-equiv\s*=\s*[\"']?\s*refresh", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f]+")


def _check_mail_html(text: str) -> None:
    found = _HTML_DANGEROUS_TAG.search(text)
    if found:
        what = found.group(1).lower()
        if what == "script":
            raise _mail_html_refused(_("script"), "script")
        if what == "form":
            raise _mail_html_refused(_("a form"), "markup")
        raise _mail_html_refused(_("embedded frames, objects or SVG"), "markup")
    if _HTML_REFRESH.search(text):
        raise _mail_html_refused(_("an automatic redirect"), "markup")
    for tag in _HTML_TAG.finditer(text):
        raw = tag.group(0)
        if _HTML_EVENT.search(_HTML_QUOTED.sub(" ", raw)):
            raise _mail_html_refused(_("script in event handlers (on… attributes)"), "script")
        if _HTML_SCRIPT_URL.search(_INVISIBLE.sub("", html.unescape(raw))):
            raise _mail_html_refused(_("script links (javascript:)"), "script")


def _mail_html_refused(what: str, code: str) -> Refused:
    return Refused(
        _(
            "the e-mail's formatted (HTML) text contains %(what)s, which is not allowed. Forward the e-mail as "
            "plain text and upload that."
        )
        % {"what": what},
        code,
    )


# --- attachments of a container ----------------------------------------------------------------------------

_EXTENSION_CODES = {
    "program": {
        "exe", "com", "scr", "msi", "msp", "dll", "cpl", "pif", "lnk", "app", "apk", "jar", "appx", "msix",
        "hta", "reg", "inf", "sys", "gadget", "url", "website", "application", "xbap", "ocx", "drv",
    },
    "script": {
        "js", "jse", "mjs", "vbs", "vbe", "wsf", "wsh", "wsc", "ps1", "psm1", "psd1", "bat", "cmd", "sh",
        "bash", "py", "pyw", "pl", "rb", "php", "scf", "applescript", "command",
    },
    "markup": {"html", "htm", "xhtml", "shtml", "mht", "mhtml", "svg", "svgz", "xml", "xsl", "xslt", "hta"},
    "macros": {
        "docm", "dotm", "xlsm", "xltm", "xlam", "xla", "pptm", "potm", "ppam", "ppsm", "sldm",
    },
    "archive": {
        "zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "xz", "cab", "iso", "img", "vhd", "vhdx", "dmg", "arj",
        "lzh", "ace", "z", "zipx",
    },
    "nested": {"eml", "msg", "emlx", "p7m", "oft"},
}  # fmt: skip
# Inert text attachments an e-mail may carry besides the allowed types (calendar, contact).
_MAIL_TEXT_EXTENSIONS = {"ics", "vcf"}
_NAME_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _shown(name: str) -> str:
    """An attachment's name fit to show in a message: no control or bidi characters, bounded."""
    text = "".join(
        ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch) not in _NAME_DROP_CATEGORIES
    )
    text = text.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (text[:80] + "…" if len(text) > 80 else text) or _("(no name)")


def _extension(name: str) -> str:
    stem, dot, ext = name.strip().rstrip(". ").rpartition(".")
    return ext.lower() if dot and stem else ""


def _check_attachment(name: str, data: bytes, depth: int) -> None:
    """An attachment must be an allowed file, by its content and by its name, since the mail
    program opens it by its name."""
    ext = _extension(name)
    for code, extensions in _EXTENSION_CODES.items():
        if ext in extensions:
            raise _attachment_refused(name, Refused("", code))
    try:
        kind = _sniff(_Source(io.BytesIO(data)), depth + 1)
    except Refused as exc:
        raise _attachment_refused(name, exc)
    if ext and ext not in EXTENSIONS[kind] and not (kind == TXT and ext in _MAIL_TEXT_EXTENSIONS):
        raise Refused(
            _(
                "it is an e-mail with an attachment “%(name)s” whose name does not match its content. Upload the "
                "attachment on its own, or forward the e-mail without it, and upload that."
            )
            % {"name": _shown(name)},
            "attachment",
        )


def _attachment_refused(name: str, inner: Refused) -> Refused:
    """The reason for a container whose attachment ``name`` is refused for ``inner``."""
    shown = _shown(name)
    templates = {
        "program": _(
            "it is an e-mail with an attachment “%(name)s” that is a program. Forward the e-mail without that "
            "attachment, or upload the allowed files on their own."
        ),
        "script": _(
            "it is an e-mail with an attachment “%(name)s” that is a script. Forward the e-mail without that "
            "attachment, or upload the allowed files on their own."
        ),
        "markup": _(
            "it is an e-mail with an attachment “%(name)s” that is a web page (HTML) or contains script. Forward "
            "the e-mail without that attachment, or upload the allowed files on their own."
        ),
        "macros": _(
            "it is an e-mail with an attachment “%(name)s” that contains macros or other active content. Forward "
            "the e-mail without that attachment, or upload the allowed files on their own."
        ),
        "archive": _(
            "it is an e-mail with an attachment “%(name)s” that is a compressed archive (such as ZIP, RAR or 7z). "
            "Upload the files inside it on their own instead."
        ),
        "nested": _(
            "it is an e-mail with an attachment “%(name)s” that is itself an e-mail or an embedded item, which "
            "cannot be checked. Upload that e-mail on its own instead."
        ),
    }
    if inner.code in templates:
        return Refused(templates[inner.code] % {"name": shown}, "attachment")
    return Refused(
        _("it is an e-mail with an attachment “%(name)s” that is not accepted: %(reason)s")
        % {"name": shown, "reason": inner.reason},
        "attachment",
    )


# --- PDF ------------------------------------------------------------------------------------------------------

_PDF_ERRORS = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    OSError,
    RecursionError,
    AssertionError,
    OverflowError,
    UnicodeError,
    zlib.error,
    struct.error,
)
# Keys whose values are page content, resources and other data where no action can live:
# not followed, so images and content streams are never read.
_PDF_SKIP = {
    "/Contents", "/Resources", "/Thumb", "/Metadata", "/AP", "/PieceInfo", "/StructTreeRoot", "/Parent",
    "/P", "/ParentTree", "/Font", "/XObject", "/DR", "/Pg", "/Encrypt", "/ColorSpace", "/ExtGState",
    "/Pattern", "/Shading", "/OutputIntents", "/DestOutputProfile", "/MK",
}  # fmt: skip
_PDF_RICH_MEDIA = {"/RichMedia", "/Movie", "/Sound", "/Screen", "/3D", "/RichMediaExecute", "/Rendition"}
# Belt and braces: these names anywhere in the raw bytes (as an uncompressed object would carry
# them). Long enough never to turn up by chance in compressed data.
_PDF_EOF = re.compile(rb"%%EOF")
_PDF_RAW_NAMES = re.compile(rb"/(JavaScript|Launch|EmbeddedFiles?|RichMedia|SubmitForm|ImportData)(?=[\s/<>\[\]()%]|$)")


def _pdf_reason(what: str) -> Refused:
    next_step = _("Print it to a new PDF (or export it again without it) and upload that.")
    reasons = {
        "javascript": _("the PDF contains JavaScript, which is not allowed."),
        "launch": _("the PDF contains an action that starts a program, which is not allowed."),
        "uri": _("the PDF opens a web address as soon as it is opened, which is not allowed."),
        "aa": _("the PDF contains automatic actions that run when it is opened or viewed, which is not allowed."),
        "submit": _("the PDF contains a form that sends or imports data, which is not allowed."),
        "embedded": _("the PDF contains embedded files (attachments), which is not allowed."),
        "richmedia": _("the PDF contains multimedia or 3D content, which is not allowed."),
        "xfa": _("the PDF is a dynamic (XFA) form, which is not allowed."),
    }
    return Refused(f"{reasons[what]} {next_step}", "pdf-active")


_PDF_RAW_WHAT = {
    b"JavaScript": "javascript",
    b"Launch": "launch",
    b"EmbeddedFile": "embedded",
    b"EmbeddedFiles": "embedded",
    b"RichMedia": "richmedia",
    b"SubmitForm": "submit",
    b"ImportData": "submit",
}


def _check_pdf(src: _Source, depth: int) -> str:
    _check_pdf_bytes(src)
    try:
        reader = PdfReader(src.stream, strict=False)
        if reader.is_encrypted:
            _decrypt_pdf(reader)
        if len(reader.pages) < 1:
            raise _damaged()
        _walk_pdf(reader)
    except Refused:
        raise
    except DependencyError:  # pypdf decrypts lazily: an AES-encrypted object, read in the walk
        raise _pdf_encryption_unchecked()
    except _PDF_ERRORS:
        raise _damaged()
    found = src.search(_PDF_RAW_NAMES)
    if found:
        raise _pdf_reason(_PDF_RAW_WHAT[found.group(1)])
    return PDF


def _check_pdf_bytes(src: _Source) -> None:
    """HTML where a browser sniffing the file would look, and anything after the last
    %%EOF but whitespace and comments: how PDF/HTML polyglots are made."""
    head = src.read_at(0, PDF_MARKUP_WINDOW)
    tail = src.read_at(src.size - PDF_MARKUP_WINDOW, PDF_MARKUP_WINDOW)
    if BINARY_MARKUP.search(head) or BINARY_MARKUP.search(tail):
        raise Refused(
            _(
                "the PDF also contains web page (HTML) content, which is not allowed. Open it, save or print it "
                "again as PDF and upload the new file."
            ),
            "markup",
        )
    window = src.read_at(src.size - PDF_EOF_WINDOW, PDF_EOF_WINDOW)
    end = window.rfind(b"%%EOF")
    if end < 0:
        if src.search(_PDF_EOF):  # there is an end, followed by more than the window
            raise _pdf_trailing()
        raise _damaged()
    trailing = window[end + 5 :]
    lines = [line.strip(b" \t\r\n\f\x00") for line in re.split(rb"[\r\n]", trailing)]
    if len(trailing.strip()) > PDF_MAX_TRAILING or any(line and not line.startswith(b"%") for line in lines):
        raise _pdf_trailing()


def _pdf_trailing() -> Refused:
    return Refused(
        _(
            "the PDF has extra content after its end, which is not allowed. Open it, save or print it again as "
            "PDF and upload the new file."
        ),
        "markup",
    )


def _decrypt_pdf(reader) -> None:
    """A PDF that opens without a password is checked decrypted; one that needs a password could
    not be opened by a reviewer."""
    try:
        result = reader.decrypt("")
    except (DependencyError, NotImplementedError, *_PDF_ERRORS):
        raise _pdf_encryption_unchecked()
    if result == PasswordType.NOT_DECRYPTED:
        raise Refused(
            _(
                "the PDF is protected with a password, so reviewers could not open it. Remove the password (or "
                "print it to a new PDF) and upload that."
            ),
            "damaged",
        )


def _pdf_encryption_unchecked() -> Refused:
    return Refused(
        _(
            "the PDF is encrypted in a way that cannot be checked. Print it to a new PDF without protection and "
            "upload that."
        ),
        "damaged",
    )


def _walk_pdf(reader) -> None:
    """Every dictionary reachable from the trailer, except page content and resources."""
    seen: set = set()
    stack = [reader.trailer]
    count = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            count += 1
            if count > PDF_MAX_OBJECTS:
                raise _damaged()
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            _check_pdf_dict(obj)
            stack.extend(value for key, value in obj.items() if key not in _PDF_SKIP)
        elif isinstance(obj, ArrayObject):
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            stack.extend(obj)


def _pdf_get(obj, key: str):
    """``obj[key]`` resolved (a name may be given by reference too), or None."""
    if key not in obj:
        return None
    return obj[key]  # indexing resolves an indirect reference; ``get`` would not


def _check_pdf_dict(obj) -> None:
    keys = set(obj.keys())
    action = _pdf_get(obj, "/S")
    if keys & {"/JS", "/JavaScript"} or action == "/JavaScript":
        raise _pdf_reason("javascript")
    if action == "/Launch":
        raise _pdf_reason("launch")
    if action in ("/SubmitForm", "/ImportData"):
        raise _pdf_reason("submit")
    if "/AA" in keys:
        raise _pdf_reason("aa")
    if keys & {"/EmbeddedFiles", "/EF"} or _pdf_get(obj, "/Type") == "/EmbeddedFile" or action == "/GoToE":
        raise _pdf_reason("embedded")
    subtype = _pdf_get(obj, "/Subtype")
    if subtype == "/FileAttachment":
        raise _pdf_reason("embedded")
    if subtype in _PDF_RICH_MEDIA or action in _PDF_RICH_MEDIA or "/RichMediaContent" in keys:
        raise _pdf_reason("richmedia")
    if "/XFA" in keys:
        raise _pdf_reason("xfa")
    if "/OpenAction" in keys:
        _check_pdf_open_action(obj["/OpenAction"])


def _check_pdf_open_action(action) -> None:
    """The action run when the document opens (a destination array is just a page to show)."""
    for _step in range(32):  # the /Next chain, bounded
        if not isinstance(action, DictionaryObject):
            return
        if _pdf_get(action, "/S") in ("/URI", "/GoToR"):
            raise _pdf_reason("uri")
        _check_pdf_dict(action)
        action = _pdf_get(action, "/Next")
        if isinstance(action, ArrayObject):
            action = action[0].get_object() if action else None


# --- plain text -----------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# A cell (line start, or after , ; tab or CR; spaces and an opening quote skipped) that starts
# with = and a formula character, or with + - @ and holds a function call or a DDE pipe before
# the cell ends. One expression, so a 20 MiB file is scanned in C.
_FORMULA = re.compile(r"(?:^|[,;\t\r])[ ]*\"?[ ]*(?:=[\w(\"'$@+\-.]|[+\-@][^,;\t\r\n]*?(?:\w\(|\|))", re.MULTILINE)


def _formula_reason() -> Refused:
    return Refused(
        _(
            "it contains spreadsheet formulas (cells starting with =, +, - or @), which are not allowed in a "
            "text file. Save the sheet as Excel (.xlsx) or PDF and upload that."
        ),
        "formula",
    )


def _check_formulas(text: str) -> None:
    """Refuse spreadsheet formula cells in complete lines of ``text`` (see the module docstring)."""
    if _FORMULA.search(text):
        raise _formula_reason()


def _check_text(src: _Source, depth: int) -> str:
    head = src.head.removeprefix(b"\xef\xbb\xbf")
    if head.startswith(b"#!"):
        raise _script()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    carry, tail = "", b""
    for offset, piece in src.chunks():
        if b"\x00" in piece:
            raise _not_allowed()
        if MARKUP.search(tail + piece):
            raise _markup()
        tail = piece[-MARKUP_OVERLAP:]
        try:
            text = decoder.decode(piece)
        except UnicodeDecodeError:
            raise _not_allowed()
        if offset == 0:
            text = text.removeprefix("\ufeff")
        if _CONTROL.search(text):
            raise _not_allowed()
        text = carry + text
        cut = text.rfind("\n")
        if cut < 0 and len(text) < TEXT_MAX_LINE:
            carry = text
            continue
        if cut < 0:
            cut = len(text) - 1
        _check_formulas(text[: cut + 1])
        carry = text[cut + 1 :]
    try:
        carry += decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _not_allowed()
    _check_formulas(carry)
    return TXT


_MAGIC = (
    (b"%PDF-", _check_pdf),
    (b"\x89PNG\r\n\x1a\n", _check_png),
    (b"\xff\xd8\xff", _check_jpeg),
    (b"PK\x03\x04", _check_zip),
    (_OLE_MAGIC, _check_ole),
)
