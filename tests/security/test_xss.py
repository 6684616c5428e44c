"""Stored XSS: hostile text typed into every free-text field, through the real forms and
views, then every page, HTMX fragment, e-mail and download where it shows is read the way a
browser would (``tests.security.scan``). Nothing may run: no unescaped ``<script``, no
``onerror=`` inside a tag, no ``href="javascript:…"`` (also through Markdown-style tricks:
reference links, a leading space, ``<javascript:…>``, an entity-encoded colon), and
template syntax a user typed (``{{ request }}``, ``{% debug %}``) shows literally.
"""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from arbitration.forms import encode_versions
from arbitration.models import ArbitrationCase, CaseStatus
from claims.models import Claim, Comment, PoeFile
from claims.states import Status
from claims.tests.factories import SubscriptionFactory
from claims.tests.test_uploads import pdf_bytes, png_bytes, upload
from notifications.sending import send_pending
from tests.helpers import current_version, login
from tests.security.conftest import htmx, tally
from tests.security.scan import evaluated_template_syntax, problems

# The payloads. Long fields get all of them; short ones (≤ 200 characters) the core set.
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "[x][1]\n\n[1]: javascript:alert(1)",
    "[y]( javascript:alert(1))",
    "<javascript:alert(1)>",
    "[z](javascript&#58;alert(1))",
    "{{ request }}",
    "{% debug %}",
    "<svg/onload=alert(1)>",
    "'-alert(1)-'",
    "</textarea><script>alert(1)</script>",
]
SHORT_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request }}",
    "{% debug %}",
]


def long_value(marker: str) -> str:
    return marker + "\n" + "\n".join(PAYLOADS)


def short_value(marker: str) -> str:
    return marker + " " + " ".join(SHORT_PAYLOADS)


# E-mail fields pass the form's EmailValidator with a quoted local part (no spaces allowed).
HOSTILE_EMAILS = {
    "customer_contact_email": '"<script>alert(1)</script>"@example.com',
    "partner_contact_email": '"<img/src=x/onerror=alert(1)>{{request}}"@example.com',
}
# The uploaded file's name (the browser sends it; Django keeps the part after the last slash).
POE_NAME = '"><img src=x onerror=alert(1)><svg onload=alert(1)>{{ request }}{% debug %}.pdf'
POE_NAME_PNG = "javascript:alert(1)<script>alert(1)<.png"


class Planted:
    """What was typed where: marker → field, and the count of hostile inputs."""

    def __init__(self):
        self.fields = {}
        self.inputs = 0

    def long(self, field: str) -> str:
        marker = f"XSS{len(self.fields):02d}"
        self.fields[marker] = field
        self.inputs += len(PAYLOADS)
        return long_value(marker)

    def short(self, field: str) -> str:
        marker = f"XSS{len(self.fields):02d}"
        self.fields[marker] = field
        self.inputs += len(SHORT_PAYLOADS)
        return short_value(marker)

    def literal(self, field: str, value: str, count: int = 1) -> str:
        self.fields[value] = field
        self.inputs += count
        return value


def _claim_form(planted, subscription, mpn, product, **extra):
    data = {
        # The claim's name shows on the most pages: lists, headings, queue rows, e-mail subjects.
        "name": planted.short("claim name"),
        "mpn": mpn.pk,
        "customer_tenant_id": str(subscription.tenant.tenant_id),
        "customer_domain": subscription.tenant.domains.first().domain,
        "solution_area": "business_applications",
        "activity": "presales",
        "products": [product.pk],
        "subscription_ref": str(subscription.subscription_id),
        "customer_contact_name": planted.short("customer contact name"),
        "customer_contact_title": planted.short("customer contact title"),
        "customer_contact_email": planted.literal("customer contact e-mail", HOSTILE_EMAILS["customer_contact_email"]),
        "partner_contact_name": planted.short("partner contact name"),
        "partner_contact_email": planted.literal("partner contact e-mail", HOSTILE_EMAILS["partner_contact_email"], 2),
        "description": planted.long("claim description"),
    }
    data.update(extra)
    return data


def _ok(response, what):
    assert response.status_code == 302, f"{what}: {response.status_code} {response.content[:3000]!r}"


def _version(claim) -> int:
    return Claim.objects.values_list("version", flat=True).get(pk=claim.pk)


@pytest.fixture
def hostile(
    client,
    contoso_admin,
    contoso_viewer,
    contoso_mpn,
    fabrikam_admin,
    fabrikam_mpn,
    reviewer1,
    lead,
    superuser,
    dynamics_sales,
):
    """Hostile text in every free-text field, typed through the views by the people who
    write them. Returns the claims and what was planted."""
    planted = Planted()
    partner = login(client, contoso_admin)
    review = login(type(client)(), reviewer1)
    leader = login(type(client)(), lead)
    fab = login(type(client)(), fabrikam_admin)

    # A: filed with hostile text and file names, then taken through every reasoned transition.
    sub_a = SubscriptionFactory(products=[dynamics_sales])
    data = _claim_form(planted, sub_a, contoso_mpn, dynamics_sales, action="submit")
    planted.literal("PoE file name", POE_NAME, 7)
    planted.literal("PoE file name", POE_NAME_PNG, 3)
    data["poe"] = [upload(POE_NAME, pdf_bytes()), upload(POE_NAME_PNG, png_bytes())]
    _ok(partner.post(reverse("claims:new"), data), "file claim A")
    claim_a = Claim.objects.get(subscription=sub_a)
    assert claim_a.status == Status.SUBMITTED

    def reviewer_post(client_, name, claim, **body):
        body.setdefault("version", _version(claim))
        _ok(client_.post(reverse(f"review:{name}", args=[claim.pk]), body), name)

    _ok(
        partner.post(reverse("claims:comment", args=[claim_a.pk]), {"body": planted.long("partner comment")}), "comment"
    )
    reviewer_post(review, "start", claim_a)
    _ok(
        review.post(
            reverse("review:comment", args=[claim_a.pk]),
            {"visibility": "partner", "body": planted.long("reviewer reply to partner")},
        ),
        "reply",
    )
    _ok(
        review.post(
            reverse("review:comment", args=[claim_a.pk]),
            {"visibility": "internal", "body": planted.long("reviewer internal note")},
        ),
        "note",
    )
    reviewer_post(
        review, "request_info", claim_a, reasons=["poe_missing"], message=planted.long("request-info message")
    )
    _ok(
        partner.post(
            reverse("claims:resubmit", args=[claim_a.pk]),
            {
                "message": planted.long("partner answer (resubmit)"),
                "version": _version(claim_a),
            },
        ),
        "resubmit",
    )
    reviewer_post(review, "reject", claim_a, reason="insufficient_poe", message=planted.long("reject message"))
    _ok(
        partner.post(
            reverse("claims:dispute", args=[claim_a.pk]),
            {
                "justification": planted.long("dispute justification"),
                "version": _version(claim_a),
            },
        ),
        "dispute",
    )
    reviewer_post(review, "approve", claim_a, message=planted.long("approve message"))
    reviewer_post(leader, "revert", claim_a, reason=planted.long("revert reason"))
    reviewer_post(review, "approve", claim_a, message="")
    _ok(
        partner.post(
            reverse("claims:end", args=[claim_a.pk]),
            {
                "message": planted.long("end message"),
                "confirm": "on",
                "version": _version(claim_a),
            },
        ),
        "end",
    )
    claim_a.refresh_from_db()
    assert claim_a.status == Status.ENDED

    # B: a draft whose customer fields are hostile (kept verbatim while a draft).
    data = _claim_form(
        planted,
        SubscriptionFactory(products=[dynamics_sales]),
        contoso_mpn,
        dynamics_sales,
        action="save",
        customer_domain=planted.short("customer domain"),
        customer_tenant_id=planted.literal("customer tenant ID", '"><svg/onload=alert(1)>{{ request }}', 3),
    )
    _ok(partner.post(reverse("claims:new"), data), "save draft B")
    claim_b = Claim.objects.filter(status=Status.EDITING).latest("pk")

    # W: withdrawn with a hostile reason.
    data = _claim_form(
        planted, SubscriptionFactory(products=[dynamics_sales]), contoso_mpn, dynamics_sales, action="save"
    )
    _ok(partner.post(reverse("claims:new"), data), "save draft W")
    claim_w = Claim.objects.filter(status=Status.EDITING).latest("pk")
    _ok(
        partner.post(
            reverse("claims:withdraw", args=[claim_w.pk]),
            {"version": current_version(claim_w), "reason": planted.long("withdraw reason")[:2000], "confirm": "on"},
        ),
        "withdraw",
    )

    # C and D: Contoso and Fabrikam compete; the case gets a hostile request and award reason.
    sub_c = SubscriptionFactory(products=[dynamics_sales])
    data = _claim_form(planted, sub_c, contoso_mpn, dynamics_sales, action="submit")
    data["poe"] = [upload(POE_NAME, pdf_bytes())]
    _ok(partner.post(reverse("claims:new"), data), "file claim C")
    data = _claim_form(planted, sub_c, fabrikam_mpn, dynamics_sales, action="submit")
    data["poe"] = [upload(POE_NAME, pdf_bytes())]
    _ok(fab.post(reverse("claims:new"), data), "file claim D")
    claim_c = Claim.objects.get(subscription=sub_c, partner=contoso_mpn.partner)
    claim_d = Claim.objects.get(subscription=sub_c, partner=fabrikam_mpn.partner)
    case = ArbitrationCase.objects.get(association_key=claim_d.association_key, status=CaseStatus.OPEN)

    def case_post(client_, name, **body):
        case.refresh_from_db()
        claims = Claim.objects.filter(case_links__case=case).order_by("pk")
        body.setdefault("version", case.version)
        body.setdefault("claim_versions", encode_versions(claims))
        _ok(client_.post(reverse(f"arbitration:{name}", args=[case.pk]), body), name)

    case_post(
        review,
        "request_info",
        claims=[claim_c.pk, claim_d.pk],
        reasons=["poe_missing"],
        message=planted.long("arbitration request-info message"),
    )
    for client_, claim in ((partner, claim_c), (fab, claim_d)):
        _ok(
            client_.post(
                reverse("claims:resubmit", args=[claim.pk]),
                {
                    "message": planted.long("partner answer to the case"),
                    "version": _version(claim),
                },
            ),
            "case answer",
        )
    case_post(review, "award", winner=claim_c.pk, reason=planted.long("arbitration award reason"))
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED

    return {
        "planted": planted,
        "a": claim_a,
        "b": claim_b,
        "w": claim_w,
        "c": claim_c,
        "d": claim_d,
        "case": case,
        "clients": {"contoso.admin": partner, "fabrikam.admin": fab, "reviewer": review, "lead": leader},
        "superuser": superuser,
        "contoso_viewer": contoso_viewer,
    }


PARTNER_ACTORS = ("contoso.admin", "fabrikam.admin")
REVIEWER_ONLY = {"reviewer internal note", "revert reason", "arbitration award reason"}


def _pages(h):
    a, b, w, c, d, case = h["a"], h["b"], h["w"], h["c"], h["d"], h["case"]
    poe_a = PoeFile.objects.filter(claim=a).order_by("pk").first()
    poe_c = PoeFile.objects.filter(claim=c).first()
    hx = htmx()
    return {
        "contoso.admin": [
            (reverse("claims:list"), {}),
            (reverse("claims:list"), hx),
            (reverse("claims:list") + "?q=XSS", hx),
            (reverse("claims:detail", args=[a.pk]), {}),
            (reverse("claims:detail", args=[b.pk]), {}),
            (reverse("claims:edit", args=[b.pk]), {}),
            (reverse("claims:detail", args=[w.pk]), {}),
            (reverse("claims:reclaim", args=[w.pk]), {}),
            (reverse("claims:reclaim", args=[a.pk]), {}),
            (reverse("claims:detail", args=[c.pk]), {}),
            (reverse("claims:check_tenant") + "?customer_tenant_id=%22%3E%3Csvg%2Fonload%3Dalert(1)%3E", {}),
            (reverse("claims:check_subscription") + "?subscription_ref=%3Cscript%3Ealert(1)%3C/script%3E", {}),
            (reverse("claims:form_fields") + "?solution_area=%3Cscript%3E&activity=%22%3E%3Cimg", {}),
            (reverse("notifications:list"), {}),
        ],
        "fabrikam.admin": [
            (reverse("claims:list"), {}),
            (reverse("claims:detail", args=[d.pk]), {}),
            (reverse("notifications:list"), {}),
        ],
        "reviewer": [
            (reverse("review:queue"), {}),
            (reverse("review:queue") + "?q=%3Cscript%3Ealert(1)%3C/script%3E", hx),
            (reverse("review:claim", args=[a.pk]), {}),
            (reverse("review:claim", args=[c.pk]), {}),
            (reverse("review:claim", args=[d.pk]), {}),
            (reverse("review:poe_preview", args=[a.pk, poe_a.pk]), {}),
            (reverse("review:poe_preview", args=[a.pk, poe_a.pk]), hx),
            (reverse("review:dashboard"), {}),
            (reverse("arbitration:list") + "?status=decided", {}),
            (reverse("arbitration:list") + "?status=decided&q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E", hx),
            (reverse("arbitration:case", args=[case.pk]), {}),
            (reverse("arbitration:poe_preview", args=[case.pk, c.pk, poe_c.pk]), {}),
            (reverse("arbitration:poe_preview", args=[case.pk, c.pk, poe_c.pk]), hx),
            (reverse("notifications:list"), {}),
        ],
        "lead": [
            (reverse("review:claim", args=[a.pk]), {}),
            (reverse("arbitration:case", args=[case.pk]), {}),
        ],
        "superuser": [
            (reverse("admin:claims_claim_change", args=[a.pk]), {}),
            (reverse("admin:claims_claim_changelist") + "?q=XSS", {}),
            (reverse("admin:claims_comment_changelist"), {}),
            (reverse("admin:claims_poefile_changelist"), {}),
            (reverse("admin:arbitration_arbitrationcase_change", args=[case.pk]), {}),
            (reverse("admin:audit_auditevent_changelist"), {}),
        ],
    }


def test_stored_xss_shows_as_text_everywhere(hostile, client, capsys):
    planted = hostile["planted"]
    clients = dict(hostile["clients"])
    clients["superuser"] = login(type(client)(), hostile["superuser"])
    seen = {}
    failures = []
    fetched = 0
    for actor, pages in _pages(hostile).items():
        for url, headers in pages:
            response = clients[actor].get(url, **headers)
            fetched += 1
            assert response.status_code == 200, f"{actor} {url}: {response.status_code}"
            html = response.content.decode()
            lowered = html.lower()
            for problem in problems(html):
                failures.append(f"{actor} {url} {'(htmx)' if headers else ''}: {problem}")
            for leak in evaluated_template_syntax(html):
                failures.append(f"{actor} {url}: template syntax evaluated ({leak})")
            for marker in planted.fields:
                if marker.lower() in lowered or escape(marker).lower() in lowered:
                    seen.setdefault(marker, set()).add(url)
            if "{{ request }}" in html or "{% debug %}" in html:
                seen.setdefault("literal-template", set()).add(url)
            if actor in PARTNER_ACTORS:
                for marker, field in planted.fields.items():
                    if field in REVIEWER_ONLY and marker.lower() in lowered:
                        failures.append(f"{actor} {url}: shows the {field}, which is for reviewers only")
    assert not failures, "\n".join(failures)
    # Not vacuous: every planted field showed somewhere, and template syntax showed literally.
    unseen = {planted.fields[m] for m in planted.fields if m not in seen}
    assert not unseen, f"planted but never shown (the check would be vacuous): {unseen}"
    assert seen["literal-template"]
    tally("stored XSS", planted.inputs)
    with capsys.disabled():
        print(
            f"\nstored XSS: {len(set(planted.fields.values()))} kinds of field, {len(planted.fields)} values,"
            f" {planted.inputs} hostile inputs,"
            f" {fetched} pages/fragments read"
        )


def test_fragments_answering_a_post_are_escaped(hostile):
    """The HTMX answers of the thread and the review actions carry the hostile text too."""
    partner, review = hostile["clients"]["contoso.admin"], hostile["clients"]["reviewer"]
    c = hostile["c"]
    body = long_value("XSSPOST")
    responses = [
        partner.post(reverse("claims:comment", args=[c.pk]), {"body": body}, **htmx()),
        review.post(reverse("review:comment", args=[c.pk]), {"visibility": "partner", "body": body}, **htmx()),
        review.post(reverse("review:comment", args=[c.pk]), {"visibility": "internal", "body": body}, **htmx()),
        # refused forms come back as typed: the typed text must be escaped there too
        review.post(reverse("review:reject", args=[c.pk]), {"message": body, "version": "1"}, **htmx()),
        review.post(reverse("review:request_info", args=[c.pk]), {"message": body}),
        partner.post(reverse("claims:withdraw", args=[c.pk]), {"version": current_version(c), "reason": body}),
        partner.post(reverse("claims:comment", args=[c.pk]), {"body": body + "x" * 10_001}),
    ]
    for response in responses:
        assert response.status_code in (200, 409), response.status_code
        html = response.content.decode()
        assert "XSSPOST" in html
        assert not problems(html), problems(html)
        assert not evaluated_template_syntax(html)
    tally("stored XSS", len(responses) * len(PAYLOADS))


def test_emails_carry_no_markup(hostile):
    send_pending()
    assert mail.outbox, "the transitions above notify partners and reviewers"
    checked = 0
    # E-mails name the claim — by its name and reference — and link to it; any other typed text
    # (even escaped) stays in the portal. The name is plain text in the subject and the text
    # part, and escaped in the HTML part.
    names = {marker for marker, field in hostile["planted"].fields.items() if field == "claim name"}
    named = 0
    for message in mail.outbox:
        plain = [message.subject, message.body]
        html = [content for content, _mime in getattr(message, "alternatives", [])]
        for text in plain + html:
            assert not evaluated_template_syntax(text)
            for marker in hostile["planted"].fields.keys() - names:
                assert marker not in text
        for text in html:
            assert not problems(text), problems(text)
            assert "<script" not in text.lower()
        named += any(marker in message.subject for marker in names)
        assert "\n" not in message.subject and "\r" not in message.subject
        checked += 1
    assert checked >= 5
    assert named >= 5  # the hostile names were there to be escaped


def test_poe_names_in_downloads_are_plain(hostile):
    partner = hostile["clients"]["contoso.admin"]
    for poe in PoeFile.objects.filter(claim=hostile["a"]):
        response = partner.get(reverse("claims:poe_download", args=[hostile["a"].pk, poe.pk]))
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "\n" not in disposition and "\r" not in disposition
        assert response["Content-Security-Policy"].startswith("sandbox")
        assert response["X-Content-Type-Options"] == "nosniff"
        b"".join(response.streaming_content)


def test_comment_template_syntax_is_stored_verbatim(hostile):
    bodies = Comment.objects.filter(claim=hostile["a"]).values_list("body", flat=True)
    assert any("{{ request }}" in body and "{% debug %}" in body for body in bodies)


def test_scanner_is_not_blind():
    """The check itself catches each payload when it is *not* escaped."""
    for payload in (
        "<script>alert(1)</script>",
        '<p title=""><img src=x onerror=alert(1)>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="javascript&#58;alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        "<svg/onload=alert(1)>",
        '<div style="color:red">x</div>',
        '<button hx-on:click="alert(1)">x</button>',
        '<iframe src="https://evil.example/"></iframe>',
        '<script src="https://evil.example/x.js"></script>',
    ):
        assert problems(payload), payload
    assert not problems("&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
    assert not problems('<script src="/static/js/portal.js" defer></script><a href="/claims/">x</a>')
