"""Privacy of competing claims: a partner learns only that competing claims exist, never the
other partner's name, MPN, claim, PoE, comments or files — on any page, HTMX fragment,
download, notification or e-mail, before, during and after arbitration.

Contoso holds an approved association; Fabrikam challenges it. Every free-text field of each
side carries a marker (MARKC / MARKF), the reviewer's internal notes and award reason carry
their own (MARKI / MARKR) and name both partners. Then every partner-facing URL is rendered
for each partner user and searched for the other side's strings.
"""

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse

from arbitration.models import ArbitrationCase
from arbitration.services import arbitration_answer, arbitration_award, arbitration_request_info
from arbitration.tests.helpers import contested_case
from claims import services
from claims.models import InfoRequestReason, PoeFile
from claims.states import Status
from claims.tests.factories import MpnFactory
from notifications.sending import send_pending
from tests.helpers import login

CONTOSO_MPN, FABRIKAM_MPN = "918273645", "546372819"
REASONS = [InfoRequestReason.NO_CUSTOMER_ACK]


def side(name, marker, mpn_number):
    return {
        "strings": [name.lower(), marker.lower(), mpn_number],
        "fields": {
            "poe_name": f"{name.lower()}-{marker}-first.pdf",
            # The claim's own name: its partner sees it, a competitor never does.
            "name": f"{marker}-claim-name {name} Dynamics 365 Sales rollout",
            "content": f"%PDF-1.4 {marker} original".encode(),
            "description": f"{marker}-description of {name}'s workshop",
            "partner_contact_name": f"{marker}-contact",
            "partner_contact_email": f"sales@{name.lower()}.example",
            "customer_contact_title": f"{marker}-title",
        },
    }


@pytest.fixture
def story(
    contoso, fabrikam, contoso_admin, contoso_viewer, fabrikam_admin, reviewer1, lead, subscription, dynamics_sales
):
    """The whole arbitration, with the e-mails sent after each step collected."""
    c = side("Contoso", "MARKC", CONTOSO_MPN)
    f = side("Fabrikam", "MARKF", FABRIKAM_MPN)
    c_mpn = MpnFactory(partner=contoso, number=CONTOSO_MPN, location="MARKC-city")
    f_mpn = MpnFactory(partner=fabrikam, number=FABRIKAM_MPN, location="MARKF-city")
    mail.outbox.clear()
    case, incumbent, challenger = contested_case(
        contoso=(c_mpn, contoso_admin),
        fabrikam=(f_mpn, fabrikam_admin),
        reviewer=reviewer1,
        sub=subscription,
        products=[dynamics_sales],
        contoso_fields=c["fields"],
        fabrikam_fields=f["fields"],
    )
    services.comment_add(claim=incumbent, user=contoso_admin, body="MARKC-comment: we ran the pilot")
    services.comment_add(claim=challenger, user=fabrikam_admin, body="MARKF-comment: we ran the rollout")
    for claim in (incumbent, challenger):
        services.comment_add(
            claim=claim, user=reviewer1, body="MARKI internal: Contoso vs Fabrikam, same customer", internal=True
        )
    # Ask Fabrikam alone, then both
    arbitration_request_info(
        case=case, user=reviewer1, claim_ids=[challenger.pk], reasons=REASONS, message="MARKF-request only"
    )
    challenger.refresh_from_db()
    services.poe_attach(
        claim=challenger,
        user=fabrikam_admin,
        name="fabrikam-MARKF-answer.pdf",
        file=ContentFile(b"%PDF-1.4 MARKF answer"),
        content_type="application/pdf",
    )
    services.claim_resubmit(claim=challenger, user=fabrikam_admin, message="MARKF-answer: signed sign-off attached")
    case.refresh_from_db()
    arbitration_request_info(
        case=case, user=reviewer1, claim_ids=[incumbent.pk], reasons=REASONS, message="MARKC-request only"
    )
    # Contoso defends its approved association with new PoE and answers
    services.poe_attach(
        claim=incumbent,
        user=contoso_admin,
        name="contoso-MARKC-defence.pdf",
        file=ContentFile(b"%PDF-1.4 MARKC defence"),
        content_type="application/pdf",
    )
    arbitration_answer(claim=incumbent, user=contoso_admin, message="MARKC-answer: the pilot's sign-off is attached")
    send_pending()
    case.refresh_from_db()
    arbitration_award(
        case=case, user=reviewer1, winner=challenger, reason="MARKR: Fabrikam's sign-off beats Contoso's pilot"
    )
    send_pending()
    for claim in (incumbent, challenger):
        claim.refresh_from_db()
    assert incumbent.status == Status.ENDED and challenger.status == Status.APPROVED
    return {
        "case": ArbitrationCase.objects.get(pk=case.pk),
        "contoso": {**c, "claim": incumbent, "users": [contoso_admin, contoso_viewer]},
        "fabrikam": {**f, "claim": challenger, "users": [fabrikam_admin]},
        "emails": list(mail.outbox),
    }


def forbidden(story, other: str) -> list[str]:
    """What a partner must never read: the other side's strings, its claim's reference and
    files, and the reviewers' internal notes and award reason."""
    data = story[other]
    files = list(PoeFile.objects.filter(claim=data["claim"]).values_list("original_name", flat=True))
    return [*data["strings"], data["claim"].reference.lower(), *(n.lower() for n in files), "marki", "markr"]


def leaks(text: str, words) -> list[str]:
    text = text.lower()
    return [w for w in words if w in text]


def body(response) -> str:
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + content.decode("utf-8", "replace")


def partner_urls(story, who: str) -> list[str]:
    """Every claims URL for the partner's own claim (and its PoE), the URLs without an id, and
    the notification list; query parameters that name the contested key for the live checks."""
    claim = story[who]["claim"]
    poe_ids = list(PoeFile.objects.filter(claim=claim).values_list("pk", flat=True))
    urls = []
    # The routes of the ``claims`` URL namespace, found through the URLconf so this app
    # does not import the partner portal's views.
    _prefix, claim_urls = get_resolver().namespace_dict["claims"]
    for pattern in claim_urls.url_patterns:
        route = str(pattern.pattern)
        name = f"claims:{pattern.name}"
        if "<int:poe_id>" in route:
            urls += [reverse(name, kwargs={"pk": claim.pk, "poe_id": poe}) for poe in poe_ids]
        elif "<int:pk>" in route:
            urls.append(reverse(name, kwargs={"pk": claim.pk}))
        else:
            urls.append(reverse(name))
    urls.append(reverse("notifications:list"))
    urls.append(reverse("home"))
    return urls


def key_params(story) -> dict:
    claim = story["contoso"]["claim"]
    return {
        "customer_tenant_id": claim.customer_tenant_id,
        "customer_domain": claim.customer_domain,
        "subscription_ref": claim.subscription_ref,
        "solution_area": claim.solution_area,
        "activity": claim.activity,
        "products": [p.pk for p in claim.products.all()],
    }


SIDES = [("contoso", "fabrikam"), ("fabrikam", "contoso")]


@pytest.mark.parametrize(("who", "other"), SIDES)
def test_no_page_or_fragment_shows_the_other_partner(client, story, who, other):
    words = forbidden(story, other)
    params = key_params(story)
    checked = 0
    for user in story[who]["users"]:
        login(client, user)
        for url in partner_urls(story, who):
            for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
                for query in ({}, params):
                    response = client.get(url, query, **extra)
                    assert response.status_code < 500, url
                    assert not leaks(body(response), words), (user.username, url, extra, leaks(body(response), words))
                    checked += 1
    assert checked >= 40


@pytest.mark.parametrize(("who", "other"), SIDES)
def test_own_pages_say_competing_claims_exist_and_show_own_outcome(client, story, who, other):
    own = story[who]["claim"]
    login(client, story[who]["users"][0])
    html = client.get(reverse("claims:detail", args=[own.pk])).content.decode()
    assert "competing claims" in html.lower()
    assert f"{who}-mark".lower() in html.lower()  # its own PoE names are there
    assert own.name in html and "-claim-name" in own.name  # its own claim's name (the other's: never)
    if who == "contoso":
        assert "Association ended" in html and "Awarded to a competing claim" in html
        assert "MARKC-request only" in html and "MARKF-request only" not in html
    else:
        assert "status-approved" in html
        assert "MARKF-request only" in html and "MARKC-request only" not in html


@pytest.mark.parametrize(("who", "other"), SIDES)
def test_the_other_partners_claim_and_files_are_not_found(client, story, who, other):
    own = story[who]["claim"]
    theirs = story[other]["claim"]
    their_files = list(PoeFile.objects.filter(claim=theirs))
    assert len(their_files) == 2  # the PoE filed with the claim and the one added during the case
    for user in story[who]["users"]:
        login(client, user)
        assert client.get(reverse("claims:detail", args=[theirs.pk])).status_code == 404
        for poe in their_files:
            for name in ("claims:poe_download", "claims:poe_preview"):
                assert client.get(reverse(name, args=[theirs.pk, poe.pk])).status_code == 404
                # nor through the partner's own claim id
                assert client.get(reverse(name, args=[own.pk, poe.pk])).status_code == 404
        for name in ("claims:comment", "claims:poe_add", "claims:withdraw", "claims:end"):
            assert client.post(reverse(name, args=[theirs.pk]), {"body": "x"}).status_code in (403, 404)


@pytest.mark.parametrize(("who", "other"), SIDES)
def test_arbitration_urls_are_forbidden_to_partner_users(client, story, who, other):
    case = story["case"]
    words = forbidden(story, other)
    claim = story[who]["claim"]
    poe = PoeFile.objects.filter(claim=claim).first()
    gets = [
        reverse("arbitration:list"),
        reverse("arbitration:case", args=[case.pk]),
        reverse("arbitration:for_claim", args=[claim.pk]),
        reverse("arbitration:poe_preview", args=[case.pk, claim.pk, poe.pk]),
    ]
    posts = [reverse(f"arbitration:{n}", args=[case.pk]) for n in ("assign", "request_info", "award", "reopen")]
    for user in story[who]["users"]:
        login(client, user)
        for url in gets:
            for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
                response = client.get(url, **extra)
                assert response.status_code == 403, url
                assert not leaks(body(response), words)
        for url in posts:
            response = client.post(url, {"version": case.version, "reason": "x", "to_me": "1"})
            assert response.status_code == 403, url


@pytest.mark.parametrize(("who", "other"), SIDES)
def test_emails_name_only_the_recipients_own_claim(story, who, other):
    addresses = {u.email for u in story[who]["users"]}
    words = forbidden(story, other)
    received = [m for m in story["emails"] if set(m.to) & addresses]
    assert received, "the partner was e-mailed about the request and the decision"
    assert all(set(m.to) <= addresses for m in received)  # one recipient company per message
    for message in received:
        text = " ".join([message.subject, message.body, *(alt[0] for alt in message.alternatives)])
        assert not leaks(text, words), (message.subject, leaks(text, words))
    subjects = " ".join(m.subject for m in received)
    assert story[who]["claim"].reference in subjects
    assert story[who]["claim"].name in subjects  # its own claim, by name


def test_only_the_asked_partner_was_notified_of_each_request(story):
    contoso_mail = [m for m in story["emails"] if "contoso.admin@example.com" in m.to]
    fabrikam_mail = [m for m in story["emails"] if "fabrikam.admin@example.com" in m.to]
    info = "More information needed"
    assert sum(info in m.subject for m in contoso_mail) == 1
    assert sum(info in m.subject for m in fabrikam_mail) == 1


def test_the_markers_are_real(client, story, reviewer1):
    """Control: the reviewer's case screen shows every string the partners must not see, so
    the searches above are looking for text that exists."""
    login(client, reviewer1)
    html = client.get(reverse("arbitration:case", args=[story["case"].pk])).content.decode().lower()
    for who in ("contoso", "fabrikam"):
        assert not [w for w in forbidden(story, who) if w not in html and w != "markr"], who
    assert "markr" in html  # the award reason, in the case head
    for who in ("contoso", "fabrikam"):  # each claim's name, in its own column
        assert f'<p class="col-claim-name">{story[who]["claim"].name.lower()}</p>' in html
