"""``seed_demo --cases``: prints the validation cases and changes nothing in the database."""

import json

import pytest
from django.core.management.base import CommandError

from accounts.models import User
from audit.models import AuditEvent
from claims.models import Claim
from demo.cases import CASES
from demo.tests.helpers import model_counts, seed


@pytest.mark.parametrize("args", [("--cases", "--json"), ("--cases",)], ids=["json", "text"])
def test_cases_change_nothing_on_a_seeded_database(seeded, monkeypatch, django_assert_num_queries, args):
    karin = User.objects.get(username="contoso.admin")
    karin.set_password("karins-own-password")
    karin.save(update_fields=["password"])
    # A re-seed would set this one; printing the cases must not.
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pw")
    claims, users, events = Claim.objects.count(), User.objects.count(), AuditEvent.objects.count()
    before = model_counts()

    with django_assert_num_queries(0):
        out = seed(*args)

    assert (Claim.objects.count(), User.objects.count(), AuditEvent.objects.count()) == (claims, users, events)
    assert model_counts() == before
    karin.refresh_from_db()
    assert karin.check_password("karins-own-password")
    assert User.objects.get(username="fabrikam.admin").check_password("cpor-demo")
    for case in CASES:
        assert case.case in out


def test_cases_json_is_the_cases_only(seeded):
    rows = json.loads(seed("--cases", "--json"))
    assert [row["case"] for row in rows] == [case.case for case in CASES]
    assert rows[0]["tenant_id"] == CASES[0].tenant_id


def test_cases_need_no_seeded_database(db):
    out = seed("--cases")
    assert all(case.case in out for case in CASES)
    assert Claim.objects.count() == 0 and User.objects.count() == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (("--cases", "--claims", "5"), "--cases only prints"),
        (("--json",), "--json goes with --cases"),
        (("--claims", "-1"), "--claims must be zero or more"),
    ],
)
def test_refused_combinations(db, args, message):
    with pytest.raises(CommandError, match=message):
        seed(*args)
    assert Claim.objects.count() == 0
