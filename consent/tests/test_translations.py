"""Every word of the consent e-mail, the consent pages and the consent line is translatable
(Swedish is added to the catalog afterwards): rendered under a pseudo-translation that marks
whatever goes through gettext as ⟦…⟧, nothing but the claim's own data is left outside the
marks. And the e-mail and page are drawn in Swedish when that is the language."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from claims.services import claim_approve
from consent.models import ConsentRequest
from consent.requests import consent_current
from consent.sending import render_consent_email
from consent.services import consent_decide
from consent.tests.helpers import token_for
from tests.helpers import login

pytestmark = pytest.mark.django_db
MARKED = re.compile(r"⟦[^⟦⟧]*⟧")


@pytest.fixture
def pseudo(monkeypatch):
    """gettext and friends return their translation marked ⟦…⟧."""
    trans = translation._trans
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        real = getattr(trans_real, name)
        monkeypatch.setattr(trans, name, lambda *args, _real=real: f"⟦{_real(*args)}⟧", raising=False)


class Text(HTMLParser):
    """The visible text inside ``<main>`` (or the whole document without one)."""

    def __init__(self, html: str, *, within: str | None = "main"):
        super().__init__(convert_charrefs=True)
        self.depth, self.within, self.parts = 0 if within else 1, within, []
        self.skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == self.within:
            self.depth += 1
        if tag in ("script", "style", "title"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == self.within:
            self.depth -= 1
        if tag in ("script", "style", "title"):
            self.skip -= 1

    def handle_data(self, data):
        if self.depth > 0 and not self.skip:
            self.parts.append(data)


def untranslated(text: str, data: list[str]) -> str:
    """What is left of ``text`` outside the marks, the claim's data, numbers and punctuation."""
    while MARKED.search(text):
        text = MARKED.sub(" ", text)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"https?://\S+", " ", text)
    return re.sub(r"[\W\d_]+", " ", text).strip()


def claim_data(claim) -> list[str]:
    return [
        claim.partner.name,
        claim.tenant.name,
        claim.customer_domain,
        claim.reference,
        claim.customer_contact_name,
        claim.customer_contact_title,
        "ada@customer.example",
        "Dynamics 365 Sales",
    ]


def test_the_email_is_all_translatable(submitted, pseudo):
    message = render_consent_email(consent_current(submitted.pk))
    for text in (message.subject, message.body):
        assert untranslated(text, claim_data(submitted)) == "", text
    html = message.alternatives[0][0]
    assert untranslated(" ".join(Text(html, within=None).parts), claim_data(submitted)) == ""


def test_the_pages_are_all_translatable(submitted, reviewer1, contoso_admin, pseudo):
    client = Client()
    token = token_for(submitted)
    pages = [
        client.get(reverse("consent:page", args=[token])),
        client.post(reverse("consent:page", args=[token]), {"decision": ""}),
        client.get(reverse("consent:page", args=["A" * 43])),
        client.get(reverse("consent:done")),
    ]
    consent_decide(token=token, decision="confirmed")
    pages.append(client.get(reverse("consent:page", args=[token])))
    assert "⟦" in pages[0].content.decode()  # the pseudo-translation is on
    for response in pages:
        left = untranslated(" ".join(Text(response.content.decode()).parts), claim_data(submitted))
        assert left == "", (response.request["PATH_INFO"], left)


def test_the_consent_line_is_all_translatable(reviewing, reviewer1, contoso_admin, pseudo):
    consent_decide(token=token_for(reviewing), decision="declined", reason="Because.", reason_private=True)
    for user, path in ((contoso_admin, "claims:detail"), (reviewer1, "review:claim")):
        html = login(Client(), user).get(reverse(path, args=[reviewing.pk])).content.decode()
        line = html[html.index('id="consent-line"') :].split("</div>", 1)[0]
        left = untranslated(" ".join(Text("<div " + line, within=None).parts), [*claim_data(reviewing), "Because."])
        assert left == "", (path, left)


def test_the_approval_window_line_is_translatable(reviewing, reviewer1, contoso_admin, pseudo):
    claim = claim_approve(claim=reviewing, user=reviewer1, expected_version=reviewing.version)
    html = login(Client(), contoso_admin).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    line = html[html.index('id="consent-line"') :].split("</div>", 1)[0]
    assert untranslated(" ".join(Text("<div " + line, within=None).parts), claim_data(claim)) == ""


def test_the_check_finds_a_word_left_untranslated():
    assert untranslated("⟦Did ⟦X⟧ work with you?⟧ Contoso, 12:30 Hello", ["Contoso"]) == "Hello"


def test_swedish_email_and_page(submitted):
    ConsentRequest.objects.filter(claim=submitted).update(language="sv")
    message = render_consent_email(consent_current(submitted.pk))
    assert message.extra_headers["Content-Language"] == "sv" and 'lang="sv"' in message.alternatives[0][0]
    html = Client().get(reverse("consent:page", args=[token_for(submitted)])).content.decode()
    assert '<html lang="sv">' in html
