"""Rules the database itself holds, whatever the code does."""

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from claims.models import Claim, Comment, PoeFile
from claims.states import Status
from claims.tests.factories import ClaimFactory, MpnFactory
from lib.nodelete import DeletionForbidden
from partners.models import Mpn


def _claim(mpn, status, key, **extra):
    claim = ClaimFactory(mpn=mpn)
    Claim.objects.filter(pk=claim.pk).update(status=status, association_key=key, **extra)
    return claim


def test_a_second_owner_of_a_key_is_refused_by_the_database(contoso_mpn, fabrikam_mpn):
    _claim(contoso_mpn, Status.APPROVED, "sub:k:presales")
    other = _claim(fabrikam_mpn, Status.UNDER_REVIEW, "sub:k:presales")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=other.pk).update(status=Status.APPROVED)


def test_one_active_claim_per_partner_per_key(contoso_mpn):
    _claim(contoso_mpn, Status.SUBMITTED, "sub:k:usage")
    second = _claim(contoso_mpn, Status.REJECTED, "sub:k:usage")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=second.pk).update(status=Status.DISPUTED)
    # A withdrawn or rejected earlier claim does not block a new one.
    third = _claim(contoso_mpn, Status.WITHDRAWN, "sub:k:usage")
    assert third.pk


def test_a_claim_past_the_draft_stage_has_a_key(contoso_mpn):
    claim = ClaimFactory(mpn=contoso_mpn)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status=Status.SUBMITTED)


def test_an_mpn_belongs_to_one_partner(contoso_mpn, fabrikam):
    with pytest.raises(IntegrityError), transaction.atomic():
        Mpn.objects.create(partner=fabrikam, number=contoso_mpn.number, location="Copy")


def test_mpn_number_is_digits(contoso):
    with pytest.raises(IntegrityError), transaction.atomic():
        MpnFactory(partner=contoso, number="12ab56")


def test_nothing_is_hard_deleted(draft):
    poe = draft.poe_files.get()
    comment = Comment.objects.create(claim=draft, author=draft.created_by, body="hi")
    for obj in (draft, poe, comment):
        with pytest.raises(DeletionForbidden):
            obj.delete()
    for model in (Claim, PoeFile, Comment, AuditEvent):
        with pytest.raises(DeletionForbidden):
            model.objects.all().delete()


def test_audit_events_are_append_only(draft):
    event = AuditEvent.objects.filter(claim=draft).first()
    event.action = "rewritten"
    with pytest.raises(DeletionForbidden):
        event.save()
    with pytest.raises(DeletionForbidden):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
