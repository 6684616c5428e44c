"""Hostile uploads through the HTTP views (the content checks themselves are in
claims/tests/test_uploads.py): a zip-bomb .docx, an empty file, 100 files at once, and a file
name carrying CR/LF. Each is refused with a message on the form (or a friendly 400 page),
leaves no claim, PoE row or stored file behind, and a stored name never breaks the
download's ``Content-Disposition`` header."""

import re
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.urls import reverse

from claims.models import Claim, PoeFile
from claims.tests.factories import SubscriptionFactory
from claims.tests.test_uploads import office_bytes, pdf_bytes, upload
from tests.helpers import claim_form_data, current_version, login
from tests.security.conftest import stored_files, tally
from tests.security.scan import problems


@pytest.fixture
def partner(client, contoso_admin):
    return login(client, contoso_admin)


@pytest.fixture
def new_claim_data(contoso_mpn, dynamics_sales):
    return claim_form_data(SubscriptionFactory(products=[dynamics_sales]), contoso_mpn, dynamics_sales)


ZIP_BOMB = office_bytes("docx", extra={"word/media/zeros.bin": b"\x00" * (40 * 1024 * 1024)})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("acknowledgement.docx", ZIP_BOMB, "unsafe size"),
        ("empty.pdf", b"", "empty"),
    ],
    ids=["zip-bomb-docx", "zero-bytes"],
)
def test_refused_on_the_new_claim_form(poe_dir, partner, new_claim_data, name, content, message):
    assert len(ZIP_BOMB) < 200_000  # 40 MB of zeros in a small archive
    new_claim_data["poe"] = [upload(name, content)]
    response = partner.post(reverse("claims:new"), new_claim_data)
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors["poe"])
    assert name in errors and message in errors.lower()
    assert "Ran the pilot." in response.content.decode()  # what was typed is kept
    assert not Claim.objects.exists() and not PoeFile.objects.exists() and not stored_files(poe_dir)
    tally("hostile uploads", 1)


@pytest.mark.parametrize("view", ["claims:poe_add", "claims:resubmit", "claims:dispute"])
def test_zip_bomb_and_empty_file_on_the_claim_page_forms(poe_dir, partner, draft, contoso_admin, reviewer1, view):
    from claims import services

    claim, _w = services.claim_submit(claim=draft, user=contoso_admin)  # poe_add: a submitted claim
    if view != "claims:poe_add":
        claim = services.claim_start_review(claim=claim, user=reviewer1)
    if view == "claims:resubmit":
        claim = services.claim_request_info(claim=claim, user=reviewer1, reasons=["poe_missing"], message="More.")
    elif view == "claims:dispute":
        claim = services.claim_reject(claim=claim, user=reviewer1, reason="insufficient_poe", message="No.")
    before = (PoeFile.objects.count(), stored_files(poe_dir))
    for name, content in (("bomb.docx", ZIP_BOMB), ("empty.pdf", b"")):
        body = {
            "poe": [upload(name, content)],
            "message": "Answer",
            "justification": "Because",
            "version": claim.version,
        }
        response = partner.post(reverse(view, args=[claim.pk]), body)
        assert response.status_code == 200, response.status_code
        assert name in response.content.decode()
        assert (PoeFile.objects.count(), stored_files(poe_dir)) == before
        claim.refresh_from_db()
        assert claim.status in ("submitted", "action_required", "rejected")
        tally("hostile uploads", 1)


@pytest.mark.parametrize("view", ["claims:new", "claims:poe_add"])
def test_a_hundred_files_at_once_get_a_friendly_400(poe_dir, partner, draft, new_claim_data, view, quiet_request_log):
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES < 100
    files = [upload(f"p{i}.pdf", pdf_bytes()) for i in range(100)]
    if view == "claims:new":
        url, data = reverse(view), {**new_claim_data, "poe": files}
    else:
        url, data = reverse(view, args=[draft.pk]), {"poe": files}
    claims_before, poe_before, stored_before = Claim.objects.count(), PoeFile.objects.count(), stored_files(poe_dir)
    response = partner.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "That request could not be understood" in html
    assert "Traceback" not in html and "TooManyFilesSent" not in html
    assert not problems(html), problems(html)
    assert response["Content-Security-Policy"]
    assert (Claim.objects.count(), PoeFile.objects.count(), stored_files(poe_dir)) == (
        claims_before,
        poe_before,
        stored_before,
    )
    tally("hostile uploads", 1)


def test_just_over_the_per_claim_limit_is_a_form_error_not_a_400(partner, draft, settings):
    settings.POE_MAX_FILES_PER_CLAIM = 20
    files = [upload(f"p{i}.pdf", pdf_bytes()) for i in range(20)]  # the draft already has one
    response = partner.post(
        reverse("claims:poe_add", args=[draft.pk]), {"version": current_version(draft), "poe": files}
    )
    assert response.status_code == 200
    assert "at most 20" in str(response.context["poe_form"].errors["poe"])
    assert PoeFile.objects.filter(claim=draft).count() == 1
    tally("hostile uploads", 1)


# --- CR/LF in a file name ------------------------------------------------------------------------

BOUNDARY = "----cpor-security-boundary"
# RFC 6266 / RFC 8187: token, quoted-string with quoted-pairs, or ext-value.
DISPOSITION = re.compile(
    r'^(attachment|inline); (?:filename="((?:[^"\\\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f])*)"'
    r"|filename\*=utf-8''((?:[A-Za-z0-9!#$&+.^_`|~-]|%[0-9A-F]{2})+))$",
    re.IGNORECASE,
)


def _multipart(filename_param: str, content: bytes, fields: dict | None = None) -> bytes:
    """A multipart body as a browser writes it, with the file name parameter given raw."""
    lines = []
    for key, value in (fields or {}).items():
        lines += [f"--{BOUNDARY}", f'Content-Disposition: form-data; name="{key}"', "", str(value)]
    head = "\r\n".join(lines + [f"--{BOUNDARY}", f'Content-Disposition: form-data; name="poe"; {filename_param}'])
    return head.encode() + b"\r\nContent-Type: application/pdf\r\n\r\n" + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def _decoded_disposition(header: str) -> str:
    match = DISPOSITION.match(header)
    assert match, f"not a well-formed RFC 6266 Content-Disposition: {header!r}"
    quoted, extended = match.group(2), match.group(3)
    if extended is not None:
        return unquote(extended, encoding="utf-8", errors="strict")
    return re.sub(r"\\(.)", r"\1", quoted)


CRLF_NAMES = [
    # RFC 2231/8187 form: Django decodes the percent-escapes, CR/LF included
    ("filename*=UTF-8''evil%0D%0ASet-Cookie%3A%20hacked%3D1%0D%0A%0D%0A%3Chtml%3E.pdf", "evil"),
    ("filename*=UTF-8''Bekr%C3%A4ftelse%0D%0AX-Injected%3A%201%20%22q%22.pdf", "Bekräftelse"),
    # a raw quoted name with escaped quotes and a backslash (a path separator: the part after it is kept)
    ('filename="say \\"hi\\" there\\\\\\"x\\".pdf"', '"x"'),
    # percent-escapes in a plain name stay as typed (browsers encode CR/LF this way)
    ('filename="a%0D%0Ab.pdf"', "a%0D%0Ab"),
]


@pytest.mark.parametrize(("param", "stem"), CRLF_NAMES, ids=["crlf-ext", "crlf-utf8", "quotes", "percent"])
def test_crlf_in_a_file_name_never_reaches_a_header(partner, draft, param, stem):
    body = _multipart(param, pdf_bytes(), {"version": current_version(draft)})
    response = partner.post(
        reverse("claims:poe_add", args=[draft.pk]), body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert response.status_code == 302, response.content[:2000]
    poe = PoeFile.objects.filter(claim=draft).order_by("-pk").first()
    assert stem in poe.original_name
    assert not set(poe.original_name) & {"\r", "\n", "\x00"}
    assert poe.original_name.endswith(".pdf")

    for view in ("claims:poe_download", "claims:poe_preview"):
        response = partner.get(reverse(view, args=[draft.pk, poe.pk]))
        assert response.status_code == 200
        header = response["Content-Disposition"]
        assert "\r" not in header and "\n" not in header
        assert _decoded_disposition(header) == poe.original_name
        # nothing smuggled into other headers
        assert "hacked" not in response.cookies and "X-Injected" not in response.headers
        b"".join(response.streaming_content)
    # the claim page shows the name as text
    html = partner.get(reverse("claims:detail", args=[draft.pk])).content.decode()
    assert not problems(html)
    tally("hostile uploads", 1)


def test_disposition_parser_is_strict():
    assert _decoded_disposition("attachment; filename*=utf-8''a%20b.pdf") == "a b.pdf"
    assert _decoded_disposition('attachment; filename="a \\"b\\".pdf"') == 'a "b".pdf'
    for bad in (
        'attachment; filename="a"b.pdf"',
        "attachment; filename=a\r\nb.pdf",
        "attachment; filename*=utf-8''a b",
    ):
        with pytest.raises(AssertionError):
            _decoded_disposition(bad)


def test_the_400_page_keeps_the_signed_in_layout(partner, draft, quiet_request_log):
    files = [upload(f"p{i}.pdf", pdf_bytes()) for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]
    response = partner.post(
        reverse("claims:poe_add", args=[draft.pk]), {"version": current_version(draft), "poe": files}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sign out" in html and "My claims" in html  # still signed in, with the navigation
    assert 'name="csrfmiddlewaretoken"' in html  # the language and sign-out forms work
