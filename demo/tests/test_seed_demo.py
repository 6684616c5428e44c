import json

import pytest
from django.contrib.auth import authenticate
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Max
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import User
from arbitration.models import ArbitrationCase, CaseStatus
from audit.models import AuditEvent
from claims import services
from claims.errors import ValidationFailed
from claims.models import Claim, Comment, PoeFile
from claims.states import OPEN_STATUSES, Status
from demo.bulk import seed_bulk_claims
from demo.cases import CASES
from demo.reference import DEFAULT_PASSWORD, USERS
from demo.tests.helpers import model_counts, seed
from directory.models import Product, SolutionArea
from partners.models import Mpn

CASE_NAMES = {
    "valid_presales",
    "valid_usage",
    "valid_revenue_association",
    "valid_m365_usage",
    "tenant_id_not_guid",
    "tenant_not_found",
    "domain_tenant_mismatch",
    "activity_not_offered",
    "product_not_on_tenant",
    "subscription_id_invalid",
    "subscription_id_is_tenant",
    "subscription_not_found",
    "subscription_other_tenant",
    "subscription_not_dynamics",
    "subscription_is_csp",
    "subscription_not_provisioned",
    "subscription_not_active",
    "already_claimed",
}
CASE_KEYS = {
    "case",
    "tenant_id",
    "domain",
    "solution_area",
    "activity",
    "product",
    "subscription_id",
    "expected",
    "note",
}


def test_second_run_changes_no_counts(seeded):
    first = model_counts()
    assert first["claims.Claim"] > 0
    seed()
    assert model_counts() == first


def test_claims_in_every_status_spread_over_the_three_partners(seeded):
    for status in Status.values:
        partners = set(Claim.objects.filter(status=status).values_list("partner__name", flat=True))
        assert partners, f"no demo claim is {status}"
    for name in ("Contoso", "Fabrikam", "Litware"):
        assert Claim.objects.filter(partner__name=name).count() >= 8
    assert Comment.objects.filter(internal=True, kind="comment").exists()
    assert Comment.objects.filter(kind="comment", internal=False, author__membership__isnull=False).exists()
    assert PoeFile.objects.filter(content_type="application/pdf").exists()
    assert PoeFile.objects.filter(content_type="image/png").exists()
    # Histories were replayed in the past: some deadlines have passed, others have not.
    queue = Claim.objects.filter(status__in=OPEN_STATUSES)
    assert queue.filter(due_at__lt=timezone.now()).exists()
    assert queue.filter(due_at__gt=timezone.now()).exists()


def test_open_arbitration_between_contoso_and_fabrikam(seeded):
    case = ArbitrationCase.objects.get(status=CaseStatus.OPEN)
    links = {link.claim.partner.name: link for link in case.participants.select_related("claim__partner")}
    assert links["Contoso"].is_incumbent and links["Contoso"].claim.status == Status.APPROVED
    assert links["Fabrikam"].claim.status == Status.SUBMITTED and links["Fabrikam"].claim.is_competing


def test_cases_json_lists_every_case(seeded):
    cases = json.loads(seed("--cases", "--json"))
    assert {c["case"] for c in cases} == CASE_NAMES
    for case in cases:
        assert set(case) == CASE_KEYS
        assert case["expected"] == ("ok" if case["case"].startswith("valid_") else case["case"])


def test_cases_give_their_documented_outcome(seeded):
    """Replay every case as contoso.admin with an enrolled MPN, the way a partner files a claim."""
    user = User.objects.get(username="contoso.admin")
    mpn = Mpn.objects.filter(partner__name="Contoso", incentive_enrolled=True).first()
    outcomes = {}
    for case in CASES:
        draft = services.claim_create(
            user=user,
            data={
                "mpn": mpn,
                "name": f"Validation case: {case.case}",
                "customer_tenant_id": case.tenant_id,
                "customer_domain": case.domain,
                "solution_area": case.solution_area,
                "activity": case.activity,
                "products": [Product.objects.get(code=case.product)],
                "subscription_ref": case.subscription_id,
                "customer_contact_name": "Ada Customer",
                "customer_contact_email": "ada@customer.example",
                "partner_contact_name": "Karin Holm",
                "partner_contact_email": "karin.holm@contoso.example",
                "description": "Workshops and a proof of concept.",
            },
        )
        services.poe_attach(
            claim=draft,
            user=user,
            name="poe.pdf",
            file=ContentFile(b"%PDF-1.4\n%%EOF\n"),
            content_type="application/pdf",
        )
        try:
            claim, _warnings = services.claim_submit(claim=draft, user=user)
        except ValidationFailed as exc:
            outcomes[case.case] = ",".join(sorted({issue.code for issue in exc.issues}))
        else:
            outcomes[case.case] = "ok" if claim.status == Status.SUBMITTED and not claim.is_competing else "competing"
    assert outcomes == {case.case: case.expected for case in CASES}


def test_claims_option_adds_exactly_that_many(seeded):
    before = Claim.objects.count()
    last = Claim.objects.aggregate(m=Max("pk"))["m"]
    out = seed("--claims", "500")
    assert Claim.objects.count() == before + 500
    assert "claims/s" in out
    added = Claim.objects.filter(pk__gt=last)
    assert set(added.values_list("status", flat=True)) == set(Status.values)
    assert set(added.values_list("solution_area", flat=True)) == set(SolutionArea.values)
    assert set(added.values_list("activity", flat=True)) == {"presales", "usage", "revenue_association"}
    assert Claim.products.through.objects.filter(claim__in=added).values("claim").distinct().count() == 500
    assert not added.exclude(status__in=["editing", "withdrawn"]).filter(association_key="").exists()
    assert added.filter(status="under_review", assignee__username__in=["reviewer1", "reviewer2", "lead"]).exists()
    assert added.values("partner").distinct().count() > 20
    for field in ("created_at", "submitted_at", "review_started_at", "decided_at", "ended_at"):
        assert not added.filter(**{f"{field}__gt": timezone.now()}).exists(), f"{field} in the future"
    queue = added.filter(status__in=OPEN_STATUSES)
    assert queue.filter(due_at__lt=timezone.now()).exists() and queue.filter(due_at__gt=timezone.now()).exists()
    # Each claim has the history of the steps its row records, at those times.
    events = AuditEvent.objects.filter(claim__in=added)
    assert events.filter(action="claims.claim.submitted").count() == added.exclude(submitted_at=None).count()
    decided = added.exclude(decided_at=None)
    decisions = events.filter(action__in=["claims.claim.approved", "claims.claim.rejected"])
    assert decisions.count() == decided.count() and not decisions.filter(actor=None).exists()
    rejected = decided.filter(status="rejected").first()
    event = events.get(claim=rejected, action="claims.claim.rejected")
    assert event.created_at == rejected.decided_at and event.reason_code == rejected.decision_reason
    assert events.filter(action="claims.claim.withdrawn").count() == added.filter(status="withdrawn").count()
    # Additive: a second run adds as many again.
    seed("--claims", "500")
    assert Claim.objects.count() == before + 1000


def test_demo_users_log_in_with_the_default_password(seeded):
    request = RequestFactory().post("/")
    for spec in USERS:
        user = authenticate(request=request, username=spec.username, password=DEFAULT_PASSWORD)
        assert user is not None, spec.username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert User.objects.get(username="reviewer1").is_reviewer
    assert User.objects.get(username="lead").is_review_lead
    assert not User.objects.get(username="contoso.viewer").partner_membership.can_write


def test_rerun_sets_the_password_from_the_environment(seeded, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pw")
    seed()
    assert User.objects.get(username="fabrikam.admin").check_password("another-demo-pw")


def _schema(table_names):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1", [list(table_names)]
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) "
            "ORDER BY 1",
            [list(table_names)],
        )
        return indexes, cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index rebuild is for PostgreSQL bulk loads")
def test_large_load_rebuilds_indexes_and_foreign_keys_as_they_were(seeded):
    tables = ("claims_claim", Claim.products.through._meta.db_table, "audit_auditevent")
    before = _schema(tables)
    count = Claim.objects.count()
    seed_bulk_claims(300, rebuild_indexes=True)
    assert _schema(tables) == before
    assert Claim.objects.count() == count + 300
