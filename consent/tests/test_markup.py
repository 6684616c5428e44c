"""The consent pages keep the portal's markup rules (tests/test_page_markup.py): no id twice,
every reference names an id, a field in error is aria-invalid and described by its error."""

import pytest
from django.test import Client
from django.urls import reverse

from consent.services import consent_decide
from consent.tests.helpers import token_for
from tests.test_page_markup import State, check

pytestmark = pytest.mark.django_db


def test_consent_pages(submitted):
    client = Client()
    url = reverse("consent:page", args=[token_for(submitted)])
    check(
        [
            State("consent page", client, url),
            State("consent page (no decision)", client, url, data={"decision": ""}),
            State(
                "consent page (a reason too long)",
                client,
                url,
                data={"decision": "declined", "reason": "x" * 2001},
                errors=("id_reason",),
            ),
            State("consent link not valid", client, reverse("consent:page", args=["A" * 43]), status=404),
            State("consent done", client, reverse("consent:done")),
        ]
    )
    consent_decide(token=token_for(submitted), decision="confirmed")
    check([State("consent page (confirmed)", client, url)])
