"""Numbers and ids typed into a request are read one strict way (``lib.params``): ASCII digits
within the 64-bit id range. Characters Python's ``str.isdigit`` accepts but ``int`` refuses
(superscripts, circled and fullwidth digits), digits of other scripts, and values past any
database integer are a form error, an ignored parameter or a 404 — never a 500."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from arbitration.tests.helpers import htmx
from claims.states import Status
from directory.models import TenantDomain
from lib.params import MAX_ID, parse_id, parse_int
from partners.models import Membership, Mpn
from tests.helpers import login

# What isdigit() says yes to and int() refuses, digits int() reads but we do not, and numbers
# no database column holds.
HOSTILE_NUMBERS = ("²", "①", "１２", "٣", "߂", "9223372036854775808", str(10**30), "-1", " 1", "1 ", "", "\x00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("0", None),
        ("²", None),
        ("①", None),
        ("１２", None),
        ("٣", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1e3", None),
        ("", None),
        (None, None),
        ("9" * 5000, None),
    ],
)
def test_parse_id(text, expected):
    assert parse_id(text) == expected


def test_parse_int_keeps_to_its_range():
    assert parse_int("0", minimum=0) == 0
    assert parse_int("7", maximum=5) is None
    assert parse_int("²") is None


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_partner_pages_and_fragments(client, contoso_admin, draft, value):
    login(client, contoso_admin)
    gets = [
        (reverse("notifications:list"), {"before": value}),
        (reverse("claims:check_mpn"), {"mpn": value, "activity": "usage"}),
        (reverse("claims:new"), {"products": value}),
        (reverse("claims:form_fields"), {"products": value, "solution_area": "business_applications"}),
        (reverse("claims:edit", args=[draft.pk]), {"products": value}),
    ]
    for url, params in gets:
        assert client.get(url, params).status_code < 500, (url, params)
        assert client.get(url, params, **htmx()).status_code < 500, (url, params, "htmx")
    new = client.post(reverse("claims:new"), {"products": value, "mpn": value, "action": "save"})
    assert new.status_code < 500
    edit = client.post(reverse("claims:edit", args=[draft.pk]), {"products": value, "version": value})
    assert edit.status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
@pytest.mark.parametrize("action", ["submit", "withdraw", "end", "resubmit", "dispute"])
def test_partner_actions_with_a_hostile_version(client, contoso_admin, draft, value, action):
    login(client, contoso_admin)
    data = {"version": value, "message": "x", "reason": "partner_disassociated", "justification": "x"}
    response = client.post(reverse(f"claims:{action}", args=[draft.pk]), data)
    assert response.status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_arbitration_case_with_hostile_numbers(client, reviewer1, contested, value):
    case, incumbent, challenger = contested
    login(client, reviewer1)
    url = reverse("arbitration:case", args=[case.pk])
    assert client.get(url, {"ask": value}).status_code == 200
    versions = f"{incumbent.pk}:{value},{value}:1"
    award = client.post(
        reverse("arbitration:award", args=[case.pk]),
        {"version": case.version, "claim_versions": versions, "winner": value, "reason": "x"},
    )
    assert award.status_code < 500
    ask = client.post(
        reverse("arbitration:request_info", args=[case.pk]),
        {"version": value, "claim_versions": versions, "claims": [value], "reasons": ["dates"], "message": "x"},
    )
    assert ask.status_code < 500
    assert challenger.status != Status.APPROVED  # nothing was decided by a malformed form


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_admin_search_with_hostile_numbers(client, superuser, draft, value):
    login(client, superuser)
    for name in ("claims_claim", "claims_poefile", "claims_comment", "audit_auditevent", "notifications_notification"):
        response = client.get(reverse(f"admin:{name}_changelist"), {"q": value})
        assert response.status_code < 500, name


# Found by the parameter fuzzer (tests/security/test_fuzz.py): the id of a related row posted
# to an admin form (or given to its add form as an initial value in the query string) went to a
# query as typed: "ж" or "1.0" raised in the autocomplete select that draws the form again,
# 2^63 overflowed SQLite in a many-to-many "pk__in". The admin's related fields are lib.forms'
# strict fields now (lib.admin.StrictIdsAdminMixin).
@pytest.mark.django_db
@pytest.mark.parametrize("value", (*HOSTILE_NUMBERS, "ж", "1.0", "2:²", str(MAX_ID)))
def test_admin_related_fields_with_hostile_ids(client, superuser, contoso, contoso_viewer, subscription, value):
    login(client, superuser)
    posts = [
        ("admin:partners_membership_add", [], {"user": value, "partner": value, "role": "incentives_user"}),
        ("admin:partners_mpn_add", [], {"partner": value, "number": "9000001", "location": "Oslo"}),
        ("admin:directory_tenantdomain_add", [], {"tenant": value, "domain": "fuzz.example"}),
        ("admin:auth_group_add", [], {"name": "fuzz", "permissions": [value]}),
        ("admin:directory_subscription_change", [subscription.pk], {"tenant": value, "products": [value]}),
        (
            "admin:accounts_user_change",
            [contoso_viewer.pk],
            {
                "username": contoso_viewer.username,
                "groups": [value],
                "user_permissions": [value],
                "membership-TOTAL_FORMS": "1",
                "membership-INITIAL_FORMS": "0",
                "membership-0-partner": value,
                "membership-0-role": "incentives_user",
            },
        ),
    ]

    def rows():
        return [model.objects.count() for model in (Membership, Mpn, TenantDomain, Group)]

    before = rows()
    for name, args, data in posts:
        response = client.post(reverse(name, args=args), data)
        assert response.status_code < 500, (name, value)
        # the add form takes initial values from the query string, and draws them
        if name.endswith("_add"):
            assert client.get(reverse(name), data).status_code < 500, (name, value, "initial")
    assert rows() == before  # nothing was saved with a malformed id
