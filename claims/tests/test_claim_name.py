"""The claim's name (Partner Center's "claim name"): required by the database and the services,
drafts too, kept on one line, editable after submission, named with the reference in sentences,
and given to the claims filed before it existed by the migration."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import AddField
from django.utils import translation

from audit.models import AuditEvent
from claims.errors import ClaimError
from claims.models import NAME_MAX_LENGTH, Claim
from claims.references import claim_label, claim_reference, one_line
from claims.services import claim_create, claim_submit, claim_update
from claims.states import Status


def test_a_draft_needs_a_name(contoso_admin, contoso_mpn):
    for name in ("", "   ", "\n\t"):
        with pytest.raises(ClaimError) as refused:
            claim_create(user=contoso_admin, data={"mpn": contoso_mpn, "name": name})
        assert refused.value.code == "name_required"
    with pytest.raises(ClaimError):
        claim_create(user=contoso_admin, data={"mpn": contoso_mpn})
    assert not Claim.objects.exists()


def test_the_name_is_kept_on_one_line(contoso_admin, contoso_mpn):
    claim = claim_create(
        user=contoso_admin, data={"mpn": contoso_mpn, "name": "  Northwind\r\nSubject: x\tSales  pilot "}
    )
    assert Claim.objects.get(pk=claim.pk).name == "Northwind Subject: x Sales pilot"


def test_the_database_refuses_an_empty_name(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=draft.pk).update(name="")


def test_the_name_cannot_be_cleared(draft, contoso_admin):
    with pytest.raises(ClaimError):
        claim_update(claim=draft, user=contoso_admin, data={"name": " "}, expected_version=draft.version)
    assert Claim.objects.get(pk=draft.pk).name == draft.name


def test_the_name_can_change_after_submission(draft, contoso_admin):
    claim, _warnings = claim_submit(claim=draft, user=contoso_admin)
    claim = claim_update(
        claim=claim, user=contoso_admin, data={"name": "Renamed rollout"}, expected_version=claim.version
    )
    assert claim.status == Status.SUBMITTED
    assert Claim.objects.get(pk=claim.pk).name == "Renamed rollout"
    event = AuditEvent.objects.filter(claim=claim, action="claims.claim.updated").latest("id")
    assert "name" in event.data["fields"]


def test_claim_label():
    with translation.override("en"):
        assert claim_label(42, "Contoso rollout") == "“Contoso rollout” (CPOR-000042)"
        assert claim_label(42, " Two\nlines ") == "“Two lines” (CPOR-000042)"
        assert claim_label(42, "") == "CPOR-000042"
        assert claim_label(None, "") == ""
    assert one_line("a\r\n b\t c") == "a b c"


def _name_migration(executor) -> tuple[tuple[str, str], tuple[str, str]]:
    """(the claims migration that adds ``Claim.name``, the one before it)."""
    for key, migration in executor.loader.disk_migrations.items():
        if key[0] == "claims" and any(
            isinstance(op, AddField) and op.model_name == "claim" and op.name == "name" for op in migration.operations
        ):
            parents = [p for p in executor.loader.graph.node_map[key].parents if p.key[0] == "claims"]
            return key, parents[0].key
    raise AssertionError("no migration adds Claim.name")


@pytest.mark.django_db(transaction=True)
def test_the_migration_names_the_claims_filed_before(contoso_admin, contoso_mpn):
    executor = MigrationExecutor(connection)
    adds_name, before = _name_migration(executor)
    latest = executor.loader.graph.leaf_nodes("claims")
    executor.migrate([before])
    try:
        old = MigrationExecutor(connection).loader.project_state([before]).apps
        OldClaim = old.get_model("claims", "Claim")
        common = {"partner_id": contoso_mpn.partner_id, "mpn_id": contoso_mpn.pk, "created_by_id": contoso_admin.pk}
        with_domain = OldClaim.objects.create(**common, customer_domain="contoso.com")
        typed_tenant = OldClaim.objects.create(**common, customer_tenant_id="0f8fad5b-d9cb-469f-a165-70867728950e")
        bare = OldClaim.objects.create(**common)
        long_domain = OldClaim.objects.create(**common, customer_domain="a" * 200 + ".example")
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)
    names = dict(Claim.objects.values_list("pk", "name"))
    assert names[with_domain.pk] == f"contoso.com — {claim_reference(with_domain.pk)}"
    assert names[typed_tenant.pk] == f"0f8fad5b-d9cb-469f-a165-70867728950e — {claim_reference(typed_tenant.pk)}"
    assert names[bare.pk] == claim_reference(bare.pk)
    assert names[long_domain.pk] == f"{'a' * 100} — {claim_reference(long_domain.pk)}"
    assert all(0 < len(name) <= NAME_MAX_LENGTH for name in names.values())
    assert adds_name[1].endswith("claim_name")
