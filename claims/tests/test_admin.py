"""The admin of claims, PoE files and comments: view pages, the fast changelist, read-only
lifecycle, no add, no delete, index-only search."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from claims.models import Claim, Comment, PoeFile
from claims.services import claim_start_review, claim_submit, comment_add
from claims.states import Status
from claims.tests.factories import ClaimFactory, MpnFactory, UserFactory

BACKEND = "django.contrib.auth.backends.ModelBackend"
CONTACT_FIELDS = {
    "customer_contact_name",
    "customer_contact_title",
    "customer_contact_email",
    "partner_contact_name",
    "partner_contact_email",
}


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


def assert_delete_refused(client, superuser, model, pk):
    """The delete view answers 403 to an operator holding the delete permission, and refuses
    a superuser too (checked on the model admin itself)."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    request = RequestFactory().get(url)
    request.user = superuser
    model_admin = admin.site.get_model_admin(model)
    assert model_admin.has_delete_permission(request) is False
    assert "delete_selected" not in model_admin.get_actions(request)
    with pytest.raises(PermissionDenied):
        model_admin.delete_view(request, str(pk))
    assert model.objects.filter(pk=pk).exists()


@pytest.fixture
def submitted(draft, contoso_admin):
    claim, _warnings = claim_submit(claim=draft, user=contoso_admin)
    return claim


@pytest.fixture
def comment(submitted, contoso_admin):
    return comment_add(claim=submitted, user=contoso_admin, body="Signed SOW attached.")


def action_names(response) -> list[str]:
    form = response.context["action_form"]
    return [name for name, _label in form.fields["action"].choices] if form else []


def form_data(response) -> dict:
    """What the browser would post back: the main form's values and every inline's management form."""
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    return data


def results(response) -> list:
    return list(response.context["cl"].result_list)


def test_admin_checks_pass():
    assert [e for e in checks.run_checks() if e.level >= checks.ERROR and e.id.startswith("admin.")] == []


def test_every_model_is_registered(staff):
    app_labels = ["accounts", "partners", "directory", "claims", "arbitration", "audit", "notifications"]
    models = [m for label in app_labels for m in apps.get_app_config(label).get_models()]
    # Case memberships are shown (read-only) inline on their case.
    unregistered = [m.__name__ for m in models if not admin.site.is_registered(m) and m.__name__ != "CaseClaim"]
    assert unregistered == []
    response = staff.get(reverse("admin:index"))
    assert response.status_code == 200
    for model in models:
        if admin.site.is_registered(model):
            assert (
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
                in response.content.decode()
            )


@pytest.mark.parametrize("model", ["claim", "poefile", "comment"])
def test_changelist_renders(staff, draft, comment, model):
    response = staff.get(reverse(f"admin:claims_{model}_changelist"))
    assert response.status_code == 200
    # The claim is the submitted draft: its thread has the submission's status update too.
    thread = list(Comment.objects.filter(claim=draft))
    expected = {"claim": [draft], "poefile": [draft.poe_files.get()], "comment": thread}[model]
    assert sorted(results(response), key=lambda o: o.pk) == sorted(expected, key=lambda o: o.pk)
    assert model != "comment" or comment in thread


def test_change_pages_render(staff, draft, comment):
    poe = draft.poe_files.get()
    for name, pk in [("claim", draft.pk), ("poefile", poe.pk), ("comment", comment.pk)]:
        response = staff.get(reverse(f"admin:claims_{name}_change", args=[pk]))
        assert response.status_code == 200, name


@pytest.mark.parametrize("model", ["claim", "poefile", "comment"])
def test_nothing_is_added_in_the_admin(operator, model):
    assert operator.get(reverse(f"admin:claims_{model}_add")).status_code == 403


def test_nothing_is_deleted(operator, superuser, draft, comment):
    poe = draft.poe_files.get()
    for model, pk in [(Claim, draft.pk), (PoeFile, poe.pk), (Comment, comment.pk)]:
        assert_delete_refused(operator, superuser, model, pk)
        changelist = operator.get(reverse(f"admin:claims_{model._meta.model_name}_changelist"))
        assert "delete_selected" not in action_names(changelist)


def test_bulk_delete_action_is_refused(staff, draft):
    response = staff.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk], "index": 0},
    )
    assert response.status_code in (200, 302)
    assert Claim.objects.filter(pk=draft.pk).exists()


def test_claim_changelist_queries_do_not_grow_with_rows(staff, subscription, dynamics_sales, reviewer1):
    def make_claim():
        claim = ClaimFactory(mpn=MpnFactory(), sub=subscription, products=[dynamics_sales])
        Claim.objects.filter(pk=claim.pk).update(tenant=subscription.tenant, assignee=reviewer1)

    url = reverse("admin:claims_claim_changelist")
    make_claim()
    staff.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        assert staff.get(url).status_code == 200
    for _ in range(29):
        make_claim()
    with CaptureQueriesContext(connection) as thirty:
        response = staff.get(url)
    assert len(results(response)) == 30
    assert len(thirty) == len(one), [q["sql"] for q in thirty]


def test_claim_changelist_shows_the_cheap_columns(staff, submitted):
    response = staff.get(reverse("admin:claims_claim_changelist"))
    cl = response.context["cl"]
    # Seven columns that fit 1366 px (the claim's name wraps in its own); assignee, dates, IDs
    # are on the claim's page.
    assert [name for name in cl.list_display if name != "action_checkbox"] == [
        "reference",
        "name",
        "status",
        "partner",
        "customer",
        "activity",
        "due",
    ]
    assert cl.model_admin.show_full_result_count is False
    body = response.content.decode()
    assert submitted.reference in body
    assert f'<td class="field-name">{submitted.name}</td>' in body
    assert "Contoso" in body
    assert f'<td class="field-customer">{submitted.tenant.name}</td>' in body  # the name, not its GUID
    assert str(submitted.tenant.tenant_id) not in body
    assert "admin-cpor/changelists.css" in body  # short columns on one line


def test_claim_changelist_names_a_drafts_customer_as_typed(staff, draft):
    body = staff.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert draft.tenant_id is None
    assert f'<td class="field-customer">{draft.customer_domain}</td>' in body


def test_lifecycle_is_read_only_and_contacts_are_audited(staff, submitted, reviewer1):
    claim = claim_start_review(claim=submitted, user=reviewer1)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    response = staff.get(url)
    assert set(response.context["adminform"].form.fields) == CONTACT_FIELDS

    data = form_data(response)
    data.update(
        customer_contact_name="Ada Lovelace",
        status=Status.APPROVED,
        due_at="",
        association_key="stolen",
        version="99",
        assignee="",
    )
    response = staff.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.customer_contact_name == "Ada Lovelace"
    assert fresh.status == Status.UNDER_REVIEW
    assert fresh.association_key == claim.association_key
    assert fresh.assignee == reviewer1
    assert fresh.due_at == claim.due_at
    assert fresh.version == claim.version + 1
    event = AuditEvent.objects.filter(claim=claim, action="claims.claim.updated").get()
    assert event.data == {
        "fields": ["customer_contact_name"],
        "before": {"customer_contact_name": "Ada Customer"},
        "via": "admin",
    }
    assert event.from_status == event.to_status == Status.UNDER_REVIEW


def test_unchanged_form_writes_nothing(staff, submitted):
    url = reverse("admin:claims_claim_change", args=[submitted.pk])
    assert staff.post(url, form_data(staff.get(url))).status_code == 302
    assert Claim.objects.get(pk=submitted.pk).version == submitted.version
    assert not AuditEvent.objects.filter(action="claims.claim.updated").exists()


def test_poe_is_shown_without_its_file(staff, draft):
    poe = draft.poe_files.get()
    stored_name = poe.file.name.rsplit("/", 1)[-1]
    for url in [
        reverse("admin:claims_poefile_change", args=[poe.pk]),
        reverse("admin:claims_claim_change", args=[draft.pk]),
        reverse("admin:claims_poefile_changelist"),
    ]:
        response = staff.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert stored_name not in body
        assert "poe.pdf" in body
    body = staff.get(reverse("admin:claims_poefile_change", args=[poe.pk])).content.decode()
    assert poe.sha256 in body


def test_comment_change_view_is_read_only(operator, comment):
    url = reverse("admin:claims_comment_change", args=[comment.pk])
    assert operator.get(url).status_code == 200
    assert operator.post(url, {"body": "rewritten"}).status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "Signed SOW attached."


def test_claim_search_uses_identifiers(staff, submitted, contoso_mpn, fabrikam_mpn):
    other = ClaimFactory(mpn=fabrikam_mpn)
    url = reverse("admin:claims_claim_changelist")
    domain = submitted.customer_domain
    terms = [
        submitted.reference,
        str(submitted.pk),
        contoso_mpn.number,
        str(submitted.tenant.tenant_id),
        str(submitted.subscription.subscription_id),
        domain,
        domain.split(".")[0].upper(),
        submitted.association_key,
        submitted.name,  # the claim's name, or its start in any case
        submitted.name[:8].upper(),
    ]
    for term in terms:
        assert results(staff.get(url, {"q": term})) == [submitted], term
    assert results(staff.get(url, {"q": fabrikam_mpn.number})) == [other]
    assert results(staff.get(url, {"q": "00000000-0000-0000-0000-000000000000"})) == []
    assert results(staff.get(url, {"q": "nothing-like-this"})) == []


def test_claim_filters(staff, submitted):
    url = reverse("admin:claims_claim_changelist")
    assert results(staff.get(url, {"status__exact": Status.SUBMITTED})) == [submitted]
    assert results(staff.get(url, {"status__exact": Status.APPROVED})) == []
    assert results(staff.get(url, {"activity__exact": submitted.activity, "is_competing__exact": "0"})) == [submitted]


def test_poe_and_comment_search_by_claim(staff, draft, comment):
    poe = draft.poe_files.get()
    url = reverse("admin:claims_poefile_changelist")
    assert results(staff.get(url, {"q": draft.reference})) == [poe]
    assert results(staff.get(url, {"q": poe.sha256.upper()})) == [poe]
    assert results(staff.get(url, {"q": "CPOR-999999"})) == []
    url = reverse("admin:claims_comment_changelist")
    found = results(staff.get(url, {"q": draft.reference}))
    assert comment in found and {c.claim_id for c in found} == {draft.pk}
    assert results(staff.get(url, {"q": "signed"})) == []


def test_claim_history_link_opens_its_audit_events(staff, submitted):
    response = staff.get(reverse("admin:claims_claim_change", args=[submitted.pk]))
    link = reverse("admin:audit_auditevent_changelist") + f"?claim__id__exact={submitted.pk}"
    assert link in response.content.decode()
    events = results(staff.get(link))
    assert events and all(e.claim_id == submitted.pk for e in events)
