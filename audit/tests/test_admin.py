"""The audit log in the admin is view only: no add, no change, no delete, for anyone."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from arbitration.models import ArbitrationCase
from audit.models import ACTION_LABELS, AuditEvent
from audit.services import audit_record
from claims.models import InfoRequestReason, RejectionReason
from claims.states import TRANSITIONS, Status
from claims.tests.factories import UserFactory

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
def event(draft, contoso_admin):
    return audit_record(
        action="claims.claim.submitted",
        actor=contoso_admin,
        claim=draft,
        from_status="editing",
        to_status="submitted",
        data={"key": "sub:x:presales"},
    )


@pytest.fixture
def case_event(draft, subscription):
    case = ArbitrationCase.objects.create(
        association_key="sub:x:presales", tenant=subscription.tenant, subscription=subscription, activity="presales"
    )
    return audit_record(action="arbitration.case.opened", case=case, data={"key": case.association_key})


@pytest.fixture
def poe_event(draft):
    return AuditEvent.objects.get(claim=draft, action="claims.poe.added")  # the draft fixture attached PoE


def results(response) -> list:
    return list(response.context["cl"].result_list)


def test_changelist_and_view_render(staff, poe_event, event, case_event):
    response = staff.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    assert results(response) == [case_event, event, poe_event]  # newest first
    assert response.context["cl"].model_admin.show_full_result_count is False
    body = response.content.decode()
    assert event.claim.reference in body
    assert case_event.case.reference in body

    response = staff.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert response.status_code == 200
    assert "claims.claim.submitted" in response.content.decode()


def test_no_add(operator):
    assert operator.get(reverse("admin:audit_auditevent_add")).status_code == 403


def test_change_view_is_read_only(operator, event):
    url = reverse("admin:audit_auditevent_change", args=[event.pk])
    response = operator.get(url)
    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}

    response = operator.post(url, {"action": "claims.claim.approved", "to_status": "approved", "reason_code": "x"})
    assert response.status_code == 403
    fresh = AuditEvent.objects.get(pk=event.pk)
    assert (fresh.action, fresh.to_status, fresh.reason_code) == ("claims.claim.submitted", "submitted", "")


def test_superuser_cannot_change_either(superuser, event):
    request = RequestFactory().post("/", {"action": "x"})
    request.user = superuser
    request._dont_enforce_csrf_checks = True
    model_admin = admin.site.get_model_admin(AuditEvent)
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, event) is False
    assert model_admin.has_view_permission(request, event) is True
    with pytest.raises(PermissionDenied):
        model_admin.change_view(request, str(event.pk))
    assert AuditEvent.objects.get(pk=event.pk).action == "claims.claim.submitted"


def test_no_delete(operator, superuser, event):
    url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert operator.get(url).status_code == 403
    assert operator.post(url, {"post": "yes"}).status_code == 403
    request = RequestFactory().get(url)
    request.user = superuser
    model_admin = admin.site.get_model_admin(AuditEvent)
    assert model_admin.has_delete_permission(request, event) is False
    assert "delete_selected" not in model_admin.get_actions(request)
    with pytest.raises(PermissionDenied):
        model_admin.delete_view(request, str(event.pk))
    changelist = operator.get(reverse("admin:audit_auditevent_changelist"))
    assert changelist.context["action_form"] is None
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_search(staff, poe_event, event, case_event, contoso_admin):
    url = reverse("admin:audit_auditevent_changelist")
    assert results(staff.get(url, {"q": event.claim.reference})) == [event, poe_event]
    assert results(staff.get(url, {"q": str(event.claim_id)})) == [event, poe_event]
    assert results(staff.get(url, {"q": case_event.case.reference})) == [case_event]
    assert results(staff.get(url, {"q": "arbitration."})) == [case_event]
    assert results(staff.get(url, {"q": "claims.poe"})) == [poe_event]
    assert results(staff.get(url, {"q": contoso_admin.username})) == [event, poe_event]
    assert results(staff.get(url, {"q": "nobody"})) == []


def test_filters(staff, poe_event, event, case_event):
    url = reverse("admin:audit_auditevent_changelist")
    assert results(staff.get(url, {"area": "claims.claim"})) == [event]
    assert results(staff.get(url, {"area": "claims.poe"})) == [poe_event]
    assert results(staff.get(url, {"area": "arbitration.case"})) == [case_event]
    assert results(staff.get(url, {"by": "job"})) == [case_event]
    assert results(staff.get(url, {"by": "user"})) == [event, poe_event]
    assert results(staff.get(url, {"claim__id__exact": event.claim_id})) == [event, poe_event]


def test_the_list_reads_in_labels_not_codes(staff, event, case_event, superuser):
    rejected = audit_record(
        action="claims.claim.rejected",
        actor=superuser,
        claim=event.claim,
        from_status="under_review",
        to_status="rejected",
        reason_code="customer_declined",
    )
    info = audit_record(
        action="claims.claim.info_requested",
        actor=superuser,
        claim=event.claim,
        from_status="under_review",
        to_status="action_required",
        reason_code="poe_missing,dates",
    )
    body = staff.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    for text in (
        "Claim submitted",
        "Draft → Submitted",
        "Claim rejected",
        "Under review → Rejected",
        str(RejectionReason.CUSTOMER_DECLINED.label),
        "Arbitration case opened",
        f"{InfoRequestReason.POE_MISSING.label}; {InfoRequestReason.DATES.label}",
    ):
        assert text in body, text
    for code in ("claims.claim.submitted", "claims.claim.rejected", "customer_declined", "under_review"):
        assert code not in body, code
    # The event's own page keeps the codes beside the labels.
    page = staff.get(reverse("admin:audit_auditevent_change", args=[rejected.pk])).content.decode()
    assert "Claim rejected" in page and "claims.claim.rejected" in page
    assert info.action_label == "Claim: information requested"


def test_the_list_reads_in_swedish(staff, event, superuser):
    superuser.language = "sv"
    superuser.save(update_fields=["language"])
    body = staff.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    with translation.override("sv"):
        assert f"{Status.EDITING.label} → {Status.SUBMITTED.label}" in body  # "Utkast → Inskickad"
        assert str(ACTION_LABELS["claims.claim.submitted"]) in body
    assert "Draft → Submitted" not in body


def test_every_action_has_a_label():
    events = {f"claims.claim.{t.event}" for t in TRANSITIONS.values() if t.event}
    written = {"claims.claim.created", "claims.comment.added", "claims.poe.added"}
    cases = {f"arbitration.case.{a}" for a in ("opened", "joined", "assigned", "info_requested", "awarded")}
    cases |= {"arbitration.case.closed", "arbitration.case.reopened"}
    assert events | written | cases <= set(ACTION_LABELS)
    with translation.override("en"):
        assert AuditEvent(action="claims.claim.rejected").action_label == "Claim rejected"
    assert AuditEvent(action="some.new.action").action_label == "some.new.action"  # unknown: its code
