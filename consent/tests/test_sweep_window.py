"""The sweep's consent rule: an approval becomes final once its customer may no longer decline
(``CONSENT_WINDOW`` business days after it), set-based, counted as the rows it wrote; "any"
never becomes final by time."""

import datetime as dt
import logging

import pytest

from audit.models import AuditEvent
from claims.jobs.sweep import run_sla_sweep
from claims.services import claim_approve
from consent.jobs import consent_windows_close
from consent.requests import consent_current
from consent.selectors import consent_line
from consent.services import consent_decide
from consent.tests.helpers import token_for
from lib.business_days import business_days_after

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def approved(reviewing, reviewer1):
    consent_decide(token=token_for(reviewing), decision="confirmed")
    return claim_approve(claim=reviewing, user=reviewer1, expected_version=reviewing.version)


def test_the_window_is_five_business_days_and_then_final(approved, caplog):
    row = consent_current(approved.pk)
    assert row.window_ends_at == business_days_after(approved.decided_at, 5)
    assert consent_line(approved, for_reviewer=False, now=row.window_ends_at - SECOND).window == "open"

    assert run_sla_sweep(now=row.window_ends_at - SECOND)["consent_windows_closed"] == 0
    row.refresh_from_db()
    assert row.final_at is None

    caplog.set_level(logging.INFO)
    result = run_sla_sweep(now=row.window_ends_at + SECOND)
    assert result["consent_windows_closed"] == 1
    assert "consent_windows_closed=1" in caplog.text
    row.refresh_from_db()
    assert row.final_at == row.window_ends_at + SECOND
    event = AuditEvent.objects.get(action="consent.window.closed")
    assert event.claim_id == approved.pk and event.actor is None and event.data["request"] == row.pk
    assert consent_line(approved, for_reviewer=False).window == "final"
    # Done once: the next run writes nothing.
    assert run_sla_sweep(now=row.window_ends_at + 2 * SECOND)["consent_windows_closed"] == 0
    assert AuditEvent.objects.filter(action="consent.window.closed").count() == 1


def test_any_time_is_never_final(reviewing, reviewer1, settings):
    settings.CONSENT_WINDOW = "any"
    claim = claim_approve(claim=reviewing, user=reviewer1, expected_version=reviewing.version)
    far = claim.decided_at + dt.timedelta(days=3650)
    assert consent_windows_close(now=far) == 0
    assert consent_line(claim, for_reviewer=True, now=far).window == "any"


def test_a_window_of_zero_is_final_at_the_next_run(reviewing, reviewer1, settings):
    settings.CONSENT_WINDOW = 0
    claim = claim_approve(claim=reviewing, user=reviewer1, expected_version=reviewing.version)
    assert consent_windows_close(now=claim.decided_at + SECOND) == 1
