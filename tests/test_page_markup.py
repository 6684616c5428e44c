"""The markup every page state keeps, checked on the server's HTML (no browser): the states the
suite knows — the partner's list, form and claim page in each status with each action form
refused, the review queue and screen with each form's errors (whole pages and HTMX swaps),
the arbitration list and case, notifications, sign-in, 403 and 404.

On each: (a) no ``id`` twice; (b) every ``aria-describedby``, ``aria-labelledby``,
``aria-controls``, ``<label for>`` and ``href="#…"`` names an id on the page (an HTMX
fragment: on itself or on the page it lands on); (c) every field with an error
(``<auto_id>_error``, templates/claims/_field.html) is ``aria-invalid="true"`` and described by
that error — a group of choices through its fieldset — and every ``aria-invalid`` field is
described by something. Each refused form names the fields whose errors it must show, so a
state that lost its errors fails instead of passing empty.
"""

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from arbitration import services as arbitration_services
from arbitration.tests.helpers import contested_case
from claims import services
from claims.models import EndReason, RejectionReason
from claims.tests.factories import ClaimFactory, SubscriptionFactory
from notifications.models import Notification
from tests.helpers import claim_form_data, login

PDF = b"%PDF-1.4\n%page markup\n"
HTMX = {"HTTP_HX_REQUEST": "true"}
REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls")
CONTROLS = ("input", "select", "textarea")


class Markup(HTMLParser):
    """The ids of a page, what refers to ids, and its form controls."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: Counter = Counter()
        self.references: list[tuple[str, str, str]] = []  # (attribute, id, tag)
        self.elements: dict[str, tuple[str, dict]] = {}  # id → (tag, attributes)
        self.controls: list[tuple[str, dict]] = []  # each with "fieldset": its fieldset's aria-describedby
        self.fieldsets: list[dict] = []
        self.open_fieldsets: list[dict] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids[attributes["id"]] += 1
            self.elements.setdefault(attributes["id"], (tag, attributes))
        for name in REFERENCES:
            self.references += [(name, ref, tag) for ref in attributes.get(name, "").split()]
        if tag == "label" and attributes.get("for"):
            self.references.append(("for", attributes["for"], tag))
        href = attributes.get("href", "")
        if tag == "a" and href.startswith("#") and len(href) > 1:
            self.references.append(("href", href[1:], tag))
        if tag in CONTROLS and attributes.get("type") != "hidden":
            group = self.open_fieldsets[-1].get("aria-describedby", "") if self.open_fieldsets else ""
            self.controls.append((tag, {**attributes, "fieldset": group}))
        if tag == "fieldset":
            self.fieldsets.append(attributes)
            self.open_fieldsets.append(attributes)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "fieldset":
            self.open_fieldsets.pop()

    def handle_endtag(self, tag):
        if tag == "fieldset" and self.open_fieldsets:
            self.open_fieldsets.pop()


def problems(html: str, *, page_ids=(), errors=()) -> list[str]:
    """What is wrong with the page's markup (empty when nothing). ``page_ids``: the ids of the
    page an HTMX fragment lands on; ``errors``: the auto_ids whose errors must be shown."""
    markup = Markup(html)
    found = [f"id {name!r} {n} times" for name, n in markup.ids.items() if n > 1]
    known = set(markup.ids) | set(page_ids)
    found += [f'{attr}="{ref}" on <{tag}>: no such id' for attr, ref, tag in markup.references if ref not in known]
    described = {}  # error id → what it describes
    for tag, attrs in markup.controls:
        refs = attrs.get("aria-describedby", "").split()
        name = attrs.get("id") or attrs.get("name")
        if attrs.get("aria-invalid") == "true" and not refs and not attrs["fieldset"]:
            found.append(f"<{tag} {name}> is aria-invalid but described by nothing (nor its fieldset)")
        for ref in refs:
            described.setdefault(ref, []).append(attrs)
    for attrs in markup.fieldsets:
        for ref in attrs.get("aria-describedby", "").split():
            described.setdefault(ref, []).append(attrs)
    for error_id in (name for name in markup.ids if name.endswith("_error")):
        auto_id = error_id.removesuffix("_error")
        if error_id not in described:
            found.append(f"error {error_id!r} describes nothing")
        element = markup.elements.get(auto_id)
        if element is not None and element[0] in CONTROLS:
            if element[1].get("aria-invalid") != "true":
                found.append(f"{auto_id!r} has an error but is not aria-invalid")
            if error_id not in element[1].get("aria-describedby", "").split():
                found.append(f"{auto_id!r} is not described by its error")
        choices = [attrs for tag, attrs in markup.controls if attrs.get("id", "").startswith(f"{auto_id}_")]
        if element is None and not choices:
            group = [attrs for attrs in markup.fieldsets if error_id in attrs.get("aria-describedby", "").split()]
            if not group:
                found.append(f"error {error_id!r}: neither its field {auto_id!r} nor a group of its choices")
        found += [
            f"{attrs.get('id')!r} has an error but is not aria-invalid"
            for attrs in choices
            if attrs.get("aria-invalid") != "true"
        ]
    found += [f"expected the error of {name!r}" for name in errors if f"{name}_error" not in markup.ids]
    return found


# --- the states ----------------------------------------------------------------------------------


@dataclass
class State:
    label: str
    client: Client
    url: str
    data: dict | None = None  # POSTed when set
    htmx: bool = False
    errors: tuple = ()
    status: int = 200
    page: str | None = None  # an HTMX fragment's page (its ids count as known)
    extra: dict = field(default_factory=dict)


def check(states: list[State]) -> None:
    failures = []
    for state in states:
        headers = {**(HTMX if state.htmx else {}), **state.extra}
        if state.data is None:
            response = state.client.get(state.url, **headers)
        else:
            response = state.client.post(state.url, state.data, **headers)
        if response.status_code != state.status:
            failures.append(f"{state.label}: HTTP {response.status_code}, expected {state.status}")
            continue
        page_ids = ()
        if state.page:
            page_ids = Markup(state.client.get(state.page).content.decode()).ids
        found = problems(response.content.decode(), page_ids=page_ids, errors=state.errors)
        failures += [f"{state.label}: {problem}" for problem in found]
    assert not failures, "\n".join(failures)


def _filed(mpn, user, products, **fields):
    claim = ClaimFactory(mpn=mpn, created_by=user, sub=SubscriptionFactory(products=products), products=products)
    services.poe_attach(claim=claim, user=user, name="poe.pdf", file=ContentFile(PDF), content_type="application/pdf")
    claim.refresh_from_db()
    return claim


@pytest.fixture
def claims(contoso_mpn, contoso_admin, fabrikam_mpn, fabrikam_admin, reviewer1, subscription, dynamics_sales):
    """Contoso's claims in every status (each on its own subscription), and an open case where
    Contoso's approved claim is asked for information (its claim page has the answer form)."""
    products = [dynamics_sales]
    case, incumbent, challenger = contested_case(
        contoso=(contoso_mpn, contoso_admin),
        fabrikam=(fabrikam_mpn, fabrikam_admin),
        reviewer=reviewer1,
        sub=subscription,
        products=products,
    )
    arbitration_services.arbitration_request_info(
        case=case, user=reviewer1, claim_ids=[incumbent.pk], reasons=["poe_missing"], message="Send the go-live PoE."
    )

    def submitted():
        return services.claim_submit(claim=_filed(contoso_mpn, contoso_admin, products), user=contoso_admin)[0]

    def under_review():
        return services.claim_start_review(claim=submitted(), user=reviewer1)

    found = {"draft": _filed(contoso_mpn, contoso_admin, products), "submitted": submitted()}
    found["under review"] = under_review()
    found["action required"] = services.claim_request_info(
        claim=under_review(), user=reviewer1, reasons=["poe_missing"], message="The PoE is unreadable."
    )
    found["approved"] = services.claim_approve(claim=under_review(), user=reviewer1)
    found["rejected"] = services.claim_reject(
        claim=under_review(), user=reviewer1, reason=RejectionReason.INSUFFICIENT_POE, message="No dates."
    )
    found["disputed"] = services.claim_dispute(
        claim=services.claim_reject(claim=under_review(), user=reviewer1, reason=RejectionReason.INSUFFICIENT_POE),
        user=contoso_admin,
        justification="The dates are on page 2.",
    )
    found["withdrawn"] = services.claim_withdraw(claim=submitted(), user=contoso_admin)
    found["ended"] = services.claim_end(
        claim=services.claim_approve(claim=under_review(), user=reviewer1),
        user=contoso_admin,
        reason=EndReason.PARTNER_DISASSOCIATED,
        message="The customer left.",
    )
    found["incumbent asked in arbitration"] = incumbent
    for claim in found.values():
        claim.refresh_from_db()
    case.refresh_from_db()
    challenger.refresh_from_db()
    return {"claims": found, "case": case, "challenger": challenger}


def client_for(user) -> Client:
    return login(Client(), user)


# --- partner pages -------------------------------------------------------------------------------


def test_partner_pages(claims, contoso_admin, contoso_mpn, subscription, dynamics_sales):
    partner = client_for(contoso_admin)
    Notification.objects.create(recipient=contoso_admin, claim=claims["claims"]["submitted"], kind="comment")
    states = [
        State("my claims", partner, reverse("claims:list")),
        State("my claims (filters not understood)", partner, reverse("claims:list") + "?status=bogus&created_from=x"),
        State("new claim", partner, reverse("claims:new")),
        State(
            "new claim (every field refused)",
            partner,
            reverse("claims:new"),
            data={"action": "submit", "customer_contact_email": "not an e-mail", "upload_key": "k" * 32},
            errors=("id_mpn", "id_customer_contact_email"),
        ),
        State(
            "new claim (refused by the directory)",
            partner,
            reverse("claims:new"),
            data=claim_form_data(subscription, contoso_mpn, dynamics_sales, customer_domain="elsewhere.example"),
            errors=("id_customer_domain",),
        ),
        State(
            "new claim (dependent fields)",
            partner,
            reverse("claims:form_fields") + "?solution_area=business_applications",
        ),
        State(
            "new claim (tenant check)",
            partner,
            reverse("claims:check_tenant") + "?customer_tenant_id=nonsense",
            htmx=True,
            page=reverse("claims:new"),
        ),
        State("partner notifications", partner, reverse("notifications:list")),
        State("403 (a partner on the review queue)", partner, reverse("review:queue"), status=403),
        State("404 (an unknown claim)", partner, reverse("claims:detail", args=[987654321]), status=404),
    ]
    found = claims["claims"]
    states += [
        State("a draft's form", partner, reverse("claims:edit", args=[found["draft"].pk])),
        State("a submitted claim's form", partner, reverse("claims:edit", args=[found["submitted"].pk])),
        State("a reclaim's form", partner, reverse("claims:reclaim", args=[found["withdrawn"].pk])),
        State(
            "discarding drafts (confirm)",
            partner,
            reverse("claims:drafts_discard"),
            data={"claim": f"{found['draft'].pk}:{found['draft'].version}"},
        ),
    ]
    for label, claim in claims["claims"].items():
        states.append(State(f"claim page ({label})", partner, reverse("claims:detail", args=[claim.pk])))
    check(states)


def test_partner_action_forms_refused(claims, contoso_admin):
    """Each action form of the claim page posted wrong: the page comes back with it open and its
    errors, next to the page's other forms (the add-PoE and resubmit forms both have a file)."""
    partner = client_for(contoso_admin)
    found = claims["claims"]

    def post(label, name, claim, data, errors):
        url = reverse(f"claims:{name}", args=[claim.pk])
        return State(f"{label}: {name} refused", partner, url, data={"version": claim.version, **data}, errors=errors)

    asked, approved = found["action required"], found["approved"]
    states = [
        post("action required", "resubmit", asked, {"message": ""}, ("id_resubmit-message",)),
        post("action required", "poe_add", asked, {}, ("id_add-poe",)),
        post("action required", "withdraw", asked, {"reason": "x"}, ("id_withdraw-confirm",)),
        post("action required", "comment", asked, {"body": " "}, ("id_comment-body",)),
        State(
            "action required: comment refused (HTMX)",
            partner,
            reverse("claims:comment", args=[asked.pk]),
            data={"body": " "},
            htmx=True,
            page=reverse("claims:detail", args=[asked.pk]),
            errors=("id_comment-body",),
        ),
        post("rejected", "dispute", found["rejected"], {"justification": ""}, ("id_dispute-justification",)),
        post("approved", "end", approved, {"message": ""}, ("id_end-message", "id_end-confirm")),
        post("approved", "poe_add", approved, {}, ("id_add-poe",)),
        post("submitted", "withdraw", found["submitted"], {}, ("id_withdraw-confirm",)),
        post(
            "incumbent asked",
            "case_answer",
            found["incumbent asked in arbitration"],
            {"answer-message": ""},
            ("id_answer-message",),
        ),
        post("under review", "resubmit", found["under review"], {"message": "x"}, ()),  # refused: not asked
    ]
    check(states)


# --- reviewer pages ------------------------------------------------------------------------------


def test_reviewer_pages(claims, reviewer1, lead):
    states = []
    for who, user in (("reviewer", reviewer1), ("lead", lead)):
        client = client_for(user)
        Notification.objects.create(recipient=user, claim=claims["claims"]["submitted"], kind="comment")
        states += [
            State(f"queue ({who})", client, reverse("review:queue")),
            State(
                f"queue, filters not understood ({who})",
                client,
                reverse("review:queue") + "?submitted_from=2026-13-45&status=bogus&partner=abc&per=7&mpn=" + "9" * 20,
                errors=("id_submitted_from", "id_status", "id_partner", "id_per"),
            ),
            State(
                f"queue results (HTMX, {who})",
                client,
                reverse("review:queue") + "?activity=usage",
                htmx=True,
                page=reverse("review:queue"),
            ),
            State(f"arbitration cases ({who})", client, reverse("arbitration:list")),
            State(
                f"arbitration cases, a filter not understood ({who})",
                client,
                reverse("arbitration:list") + "?status=bogus",
                errors=("id_status",),
            ),
            State(f"arbitration case ({who})", client, reverse("arbitration:case", args=[claims["case"].pk])),
            State(f"notifications ({who})", client, reverse("notifications:list")),
            State(f"404 ({who})", client, reverse("review:claim", args=[987654321]), status=404),
        ]
        for label, claim in claims["claims"].items():
            if label != "draft":
                states.append(
                    State(f"review screen ({label}, {who})", client, reverse("review:claim", args=[claim.pk]))
                )
    check(states)


def test_review_forms_refused(claims, reviewer1, lead):
    """Each form of the review screen posted wrong, as a whole page and as its HTMX swap."""
    found = claims["claims"]
    states = []
    for htmx in (False, True):
        how = "HTMX" if htmx else "page"

        def post(client, name, claim, data, errors, how=how, htmx=htmx, status=200):
            page = reverse("review:claim", args=[claim.pk])
            url = reverse(f"review:{name}", args=[claim.pk])
            data = {"version": claim.version, **data}
            label = f"{name} refused ({how})"
            return State(label, client, url, data=data, htmx=htmx, page=page, errors=errors, status=status)

        reviewer, leader = client_for(reviewer1), client_for(lead)
        under_review = found["under review"]
        states += [
            post(reviewer, "request_info", under_review, {}, ("id_info-message",)),
            post(reviewer, "request_info", under_review, {"message": "Send it."}, ("id_info-reasons",)),
            post(reviewer, "reject", under_review, {"message": "x"}, ("id_reject-reason",)),
            post(reviewer, "approve", under_review, {"message": "x" * 10_001}, ("id_approve-message",)),
            post(reviewer, "comment", under_review, {"body": " ", "visibility": "internal"}, ("id_comment-body",)),
            post(reviewer, "comment", under_review, {"body": "x", "visibility": "nobody"}, ("id_comment-visibility",)),
            post(leader, "assign", under_review, {"assignee": "987654321"}, ("id_assign-assignee",)),
            post(leader, "revert", found["approved"], {"reason": ""}, ("id_revert-reason",)),
            # a stale form: the "changed" banner (409 for a whole page)
            post(
                reviewer,
                "reject",
                under_review,
                {"version": "999999", "reason": "insufficient_poe"},
                (),
                status=200 if htmx else 409,
            ),
        ]
    check(states)


def test_arbitration_forms_refused(claims, reviewer1, lead):
    case = claims["case"]
    page = reverse("arbitration:case", args=[case.pk])
    states = []
    for htmx in (False, True):
        how = "HTMX" if htmx else "page"

        def post(client, name, data, errors, how=how, htmx=htmx, status=200):
            url = reverse(f"arbitration:{name}", args=[case.pk])
            return State(
                f"{name} refused ({how})", client, url, data=data, htmx=htmx, page=page, errors=errors, status=status
            )

        reviewer, leader = client_for(reviewer1), client_for(lead)
        versions = ",".join(
            f"{c.pk}:{c.version}" for c in (claims["claims"]["incumbent asked in arbitration"], claims["challenger"])
        )
        base = {"version": case.version, "claim_versions": versions}
        states += [
            post(reviewer, "request_info", base, ("id_info-claims", "id_info-reasons", "id_info-message")),
            post(reviewer, "award", base, ("id_award-winner", "id_award-reason")),
            post(leader, "assign", {"version": case.version, "assignee": "987654321"}, ("id_assign-assignee",)),
            # the case changed meanwhile: the banner, the form as typed (409 for a whole page)
            post(
                reviewer,
                "award",
                {**base, "version": "999999", "winner": claims["challenger"].pk, "reason": "x"},
                (),
                status=200 if htmx else 409,
            ),
        ]
    check(states)


# --- signing in ----------------------------------------------------------------------------------


def test_login_pages(contoso_admin):
    anonymous = Client()
    url = reverse("login")
    check(
        [
            State("login", anonymous, url),
            State("login (wrong password)", anonymous, url, data={"username": "contoso.admin", "password": "wrong"}),
            State(
                "login (nothing typed)",
                anonymous,
                url,
                data={"username": "", "password": ""},
                errors=("id_username", "id_password"),
            ),
            State(
                "login (a name too long)",
                anonymous,
                url,
                data={"username": "x" * 200, "password": "x"},
                errors=("id_username",),
            ),
        ]
    )


def test_the_checks_find_what_they_look_for():
    """The checks themselves, on markup that breaks each rule."""
    assert problems('<p id="a"></p><p id="a"></p>') == ["id 'a' 2 times"]
    assert problems('<input id="x" aria-describedby="x_helptext">') == [
        'aria-describedby="x_helptext" on <input>: no such id'
    ]
    assert problems('<label for="y">Y</label><a href="#z">z</a>') == [
        'for="y" on <label>: no such id',
        'href="z" on <a>: no such id',
    ]
    unlinked = '<input id="x"><p id="x_error">Wrong</p>'
    assert problems(unlinked) == [
        "error 'x_error' describes nothing",
        "'x' has an error but is not aria-invalid",
        "'x' is not described by its error",
    ]
    assert problems('<input id="x" aria-invalid="true">') == [
        "<input x> is aria-invalid but described by nothing (nor its fieldset)"
    ]
    group = '<fieldset aria-describedby="g_error"><input id="g_0" type="checkbox"></fieldset><p id="g_error">Wrong</p>'
    assert problems(group) == ["'g_0' has an error but is not aria-invalid"]
    assert problems("<p></p>", errors=("x",)) == ["expected the error of 'x'"]


def test_the_live_checks_describe_their_inputs(contoso_admin, contoso_mpn):
    """The tenant, domain, subscription and MPN inputs are described by their live check's
    region (claims/claim_form.html ``tenant_check``, ``subscription_check``, ``mpn_check``)."""
    html = client_for(contoso_admin).get(reverse("claims:new"), {"solution_area": "business_applications"})
    markup = Markup(html.content.decode())
    described = {attrs.get("id"): attrs.get("aria-describedby", "").split() for _tag, attrs in markup.controls}
    assert described["id_customer_tenant_id"][0] == "tenant-check"
    assert described["id_customer_domain"][0] == "tenant-check"
    assert described["id_subscription_ref"][0] == "subscription-check"
    assert described["id_mpn"][0] == "mpn-check"
    assert not problems(html.content.decode())
