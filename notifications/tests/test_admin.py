"""Notifications and job runs in the admin: view only, plus putting failed e-mails back in the outbox."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from claims.tests.factories import UserFactory
from notifications.models import KIND_LABELS, EmailState, JobRun, Notification
from notifications.texts import SUBJECTS

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def staff(client, superuser):
    client.force_login(superuser, backend=BACKEND)
    return client


@pytest.fixture
def operator(client, db):
    """Staff with every permission, as operators are set up (not a superuser, not a reviewer)."""
    user = UserFactory(username="operator", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def failed(draft, contoso_admin):
    return Notification.objects.create(
        recipient=contoso_admin, claim=draft, kind="comment", email_state=EmailState.FAILED, email_attempts=5
    )


@pytest.fixture
def sent(contoso_admin):
    return Notification.objects.create(
        recipient=contoso_admin, kind="decision", email_state=EmailState.SENT, email_attempts=1, dedupe_key="r:1"
    )


@pytest.fixture
def job_run(db):
    return JobRun.objects.create(name="sla_sweep", last_success_at=timezone.now(), last_result={"reminded": 2})


def results(response) -> list:
    return list(response.context["cl"].result_list)


def action_names(response) -> list[str]:
    form = response.context["action_form"]
    return [name for name, _label in form.fields["action"].choices] if form else []


def test_pages_render(staff, failed, sent, job_run):
    response = staff.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    assert results(response) == [sent, failed]
    assert failed.claim.reference in response.content.decode()
    assert response.context["cl"].model_admin.show_full_result_count is False
    assert staff.get(reverse("admin:notifications_notification_change", args=[failed.pk])).status_code == 200
    assert staff.get(reverse("admin:notifications_jobrun_changelist")).status_code == 200
    assert staff.get(reverse("admin:notifications_jobrun_change", args=[job_run.pk])).status_code == 200


def test_read_only(operator, failed, job_run):
    assert operator.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert operator.get(reverse("admin:notifications_jobrun_add")).status_code == 403
    url = reverse("admin:notifications_notification_change", args=[failed.pk])
    assert operator.post(url, {"email_state": "sent"}).status_code == 403
    assert operator.get(reverse("admin:notifications_notification_delete", args=[failed.pk])).status_code == 403
    assert operator.get(reverse("admin:notifications_jobrun_delete", args=[job_run.pk])).status_code == 403
    assert Notification.objects.get(pk=failed.pk).email_state == EmailState.FAILED


def test_mark_failed_pending_again(operator, failed, sent):
    url = reverse("admin:notifications_notification_changelist")
    assert action_names(operator.get(url)) == ["", "mark_pending_again"]
    response = operator.post(url, {"action": "mark_pending_again", "_selected_action": [failed.pk, sent.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.email_state, failed.email_attempts, failed.email_claimed_at) == (EmailState.PENDING, 0, None)
    assert sent.email_state == EmailState.SENT  # only failed rows are touched


def test_viewer_cannot_requeue(client, failed):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_notification"))
    client.force_login(viewer, backend=BACKEND)
    url = reverse("admin:notifications_notification_changelist")
    assert action_names(client.get(url)) == []
    client.post(url, {"action": "mark_pending_again", "_selected_action": [failed.pk]})
    assert Notification.objects.get(pk=failed.pk).email_state == EmailState.FAILED


def test_search(staff, failed, sent, contoso_admin):
    url = reverse("admin:notifications_notification_changelist")
    assert results(staff.get(url, {"q": failed.claim.reference})) == [failed]
    assert results(staff.get(url, {"q": contoso_admin.username})) == [sent, failed]
    assert results(staff.get(url, {"q": contoso_admin.email.upper()})) == [sent, failed]
    assert results(staff.get(url, {"q": "r:1"})) == [sent]
    assert results(staff.get(url, {"q": "nobody"})) == []
    assert results(staff.get(url, {"email_state__exact": "failed"})) == [failed]


def test_the_list_reads_in_labels_not_codes(staff, failed, sent):
    response = staff.get(reverse("admin:notifications_notification_changelist"))
    body = response.content.decode()
    assert "New comment" in body and "Decision" in body
    assert ">comment<" not in body and ">decision<" not in body
    page = staff.get(reverse("admin:notifications_notification_change", args=[failed.pk])).content.decode()
    assert "New comment" in page and "comment" in page  # the code stays on the row's page


def test_every_kind_has_a_label():
    assert set(SUBJECTS) <= set(KIND_LABELS)  # every kind a notification is written with has a subject
    with translation.override("en"):
        assert Notification(kind="comment").kind_label == "New comment"
    assert Notification(kind="something_new").kind_label == "something_new"
