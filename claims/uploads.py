"""Checking proof-of-execution (PoE) uploads before ``claims.services.poe_attach_many`` stores
them. The files stay on disk where the upload streamed them; only their size and SHA-256 are
kept with them (``CheckedUpload``), read in chunks.

The type of a file is decided by its content (magic bytes and structure), never by its name
or the browser's Content-Type. Allowed: PDF, DOCX, XLSX, PPTX, PNG, JPEG, EML, MSG and plain
UTF-8 text. Refused besides: empty files, files over ``settings.POE_MAX_FILE_BYTES``, more
files than ``settings.POE_MAX_FILES_PER_CLAIM`` on one claim, web content (HTML, SVG, script)
however it is named, images with data hidden after their end, macro-enabled Office files and
zip bombs (what each type must be is ``claims.filetypes``). The original file name is kept for
display only, cleaned by ``display_name``.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from claims import filetypes
from claims.filetypes import ACCEPT as ACCEPT  # re-exported: the forms and views import these from here
from claims.filetypes import ALLOWED_TYPES_TEXT as ALLOWED_TYPES_TEXT
from claims.filetypes import CONTENT_TYPES, EXTENSIONS
from claims.filetypes import PREVIEWABLE_CONTENT_TYPES as PREVIEWABLE_CONTENT_TYPES

NAME_MAX_CHARS = 120
DIGEST_CHUNK_BYTES = 1024 * 1024  # read a file this much at a time to hash it

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
    """An accepted file, left where the upload streamed it (a temporary file on disk): what
    ``claims.services.poe_attach_many`` stores. Its content is never held in memory."""

    name: str  # cleaned display name, extension matching the detected type
    file: Any  # the uploaded file object (a Django ``File``), positioned at its start
    size: int
    sha256: str
    kind: str
    content_type: str
    # Set when the file is already in the PoE storage under this name (a file kept for the
    # claim form, ``claims.pending``): it is recorded where it is, not written again.
    stored_name: str = ""


def file_digest(stream, *, limit: int | None = None) -> tuple[int, str]:
    """Size and SHA-256 hex digest of a seekable binary file, read from its start in chunks.
    With ``limit`` it stops reading once past it (the size returned is then over ``limit``)."""
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(DIGEST_CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
        if limit is not None and size > limit:
            break
    stream.seek(0)
    return size, digest.hexdigest()


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


# --- the checks a view runs ----------------------------------------------------------------


def _rejected(name: str, reason: str) -> UploadRejected:
    return UploadRejected(_("“%(name)s” was not accepted: %(reason)s") % {"name": name or _("file"), "reason": reason})


def check_upload(uploaded) -> CheckedUpload:
    """Check one uploaded file (a Django ``UploadedFile``, streamed to a temporary file by the
    upload handler) and return what to store: the file object itself with its size and SHA-256,
    both read from the file in chunks."""
    shown = clean_name(getattr(uploaded, "name", "")) or _("file")
    size = getattr(uploaded, "size", None)
    limit = settings.POE_MAX_FILE_BYTES
    if size is not None and size > limit:
        raise _rejected(
            shown, _("the file is larger than %(limit)s. Upload a smaller file.") % {"limit": filesizeformat(limit)}
        )
    size, sha256 = file_digest(uploaded, limit=limit)
    if size > limit:
        raise _rejected(
            shown, _("the file is larger than %(limit)s. Upload a smaller file.") % {"limit": filesizeformat(limit)}
        )
    if not size:
        raise _rejected(shown, _("the file is empty."))
    try:
        kind = filetypes.sniff(uploaded)  # reads the file object, never the whole file at once
    except filetypes.Refused as exc:
        raise _rejected(shown, str(exc))
    uploaded.seek(0)
    return CheckedUpload(
        name=display_name(uploaded.name, kind),
        file=uploaded,
        size=size,
        sha256=sha256,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
    )


def too_many_files(existing_count: int, chosen: int) -> str | None:
    """The refusal when a claim with ``existing_count`` files cannot take ``chosen`` more, else
    None. (``check_uploads`` asks first; ``poe_attach_many`` asks again under the claim's lock.)"""
    limit = settings.POE_MAX_FILES_PER_CLAIM
    if existing_count + chosen <= limit:
        return None
    room = max(limit - existing_count, 0)
    return _(
        "Too many files: a claim can have at most %(limit)d PoE files and this one has room for %(room)d "
        "more, but you chose %(chosen)d. Choose fewer files."
    ) % {"limit": limit, "room": room, "chosen": chosen}


def check_uploads(files, *, existing_count: int = 0) -> tuple[list[CheckedUpload], list[str]]:
    """Check every file; returns the accepted ones and one message per refused file (or one
    message when the claim would get too many files, in which case nothing is accepted)."""
    files = [f for f in files if f is not None]
    message = too_many_files(existing_count, len(files))
    if message is not None:
        return [], [message]
    accepted, errors = [], []
    for uploaded in files:
        try:
            accepted.append(check_upload(uploaded))
        except UploadRejected as exc:
            errors.append(exc.message)
    return accepted, errors
