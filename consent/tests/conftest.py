"""Consent fixtures: a claim submitted through the service, its e-mail sent as after commit."""

import pytest
from django.core import mail

from claims.services import claim_start_review, claim_submit
from cpor_portal.celery import app


@pytest.fixture(autouse=True)
def _mail_in_process():
    """E-mail after commit goes out in-process, as without a broker (``make run``), also when
    the suite runs with Redis as the broker: the tests read what was sent."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def submitted(draft, contoso_admin, django_capture_on_commit_callbacks):
    """Contoso's claim, submitted: its customer contact has been e-mailed a consent link."""
    with django_capture_on_commit_callbacks(execute=True):
        claim, _warnings = claim_submit(claim=draft, user=contoso_admin)
    return claim


@pytest.fixture
def reviewing(submitted, reviewer1):
    """The submitted claim under review by reviewer1 (its assignee)."""
    claim = claim_start_review(claim=submitted, user=reviewer1)
    mail.outbox.clear()
    return claim
