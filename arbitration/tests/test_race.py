"""Race safety on PostgreSQL: concurrent awards and concurrent competing submissions always
leave exactly one owner per key, one open case per key, and no unexpected error."""

import pytest

from arbitration.models import ArbitrationCase, CaseStatus
from arbitration.services import arbitration_award
from arbitration.tests.helpers import draft_with_poe
from claims import services
from claims.errors import ClaimError
from claims.models import Claim
from claims.states import Status
from claims.tests.factories import MpnFactory, PartnerFactory, SubscriptionFactory, member
from tests.helpers import run_together

ROUNDS = 20


@pytest.fixture
def partners(transactional_db, postgres_required):
    out = []
    for name in ("Contoso", "Fabrikam", "Litware", "Northwind Partner", "Proseware"):
        partner = PartnerFactory(name=name)
        out.append((MpnFactory(partner=partner), member(partner, f"{name.lower().replace(' ', '')}.admin")))
    return out


def _assert_key_consistent(key):
    assert Claim.objects.filter(association_key=key, status=Status.APPROVED).count() <= 1
    assert ArbitrationCase.objects.filter(association_key=key, status=CaseStatus.OPEN).count() <= 1


def test_concurrent_awards_leave_one_owner(partners, dynamics_sales, reviewer1, reviewer2):
    (c_mpn, c_user), (f_mpn, f_user), (l_mpn, l_user) = partners[:3]
    for _ in range(ROUNDS):
        sub = SubscriptionFactory(products=[dynamics_sales])
        incumbent = services.claim_submit(claim=draft_with_poe(c_mpn, c_user, sub, dynamics_sales), user=c_user)[0]
        incumbent = services.claim_start_review(claim=incumbent, user=reviewer1)
        services.claim_approve(claim=incumbent, user=reviewer1)
        fab = services.claim_submit(claim=draft_with_poe(f_mpn, f_user, sub, dynamics_sales), user=f_user)[0]
        lit = services.claim_submit(claim=draft_with_poe(l_mpn, l_user, sub, dynamics_sales), user=l_user)[0]
        case = ArbitrationCase.objects.get(association_key=fab.association_key, status=CaseStatus.OPEN)

        results = run_together(
            lambda case=case, fab=fab: arbitration_award(case=case, user=reviewer1, winner=fab, reason="PoE"),
            lambda case=case, lit=lit: arbitration_award(case=case, user=reviewer2, winner=lit, reason="PoE"),
        )
        wins = [r for r in results if isinstance(r, ArbitrationCase)]
        losses = [r for r in results if isinstance(r, ClaimError)]
        assert len(wins) == 1 and len(losses) == 1, results
        _assert_key_consistent(fab.association_key)
        owner = Claim.objects.get(association_key=fab.association_key, status=Status.APPROVED)
        assert owner.pk == wins[0].winner_id
        assert Claim.objects.get(pk=incumbent.pk).status == Status.ENDED


def test_concurrent_competing_submissions_and_award(partners, dynamics_sales, reviewer1):
    (c_mpn, c_user), (f_mpn, f_user), *others = partners
    for _ in range(ROUNDS):
        sub = SubscriptionFactory(products=[dynamics_sales])
        first = services.claim_submit(claim=draft_with_poe(c_mpn, c_user, sub, dynamics_sales), user=c_user)[0]
        services.claim_submit(claim=draft_with_poe(f_mpn, f_user, sub, dynamics_sales), user=f_user)[0]
        case = ArbitrationCase.objects.get(association_key=first.association_key, status=CaseStatus.OPEN)
        drafts = [(draft_with_poe(mpn, user, sub, dynamics_sales), user) for mpn, user in others]

        jobs = [lambda d=d, u=u: services.claim_submit(claim=d, user=u)[0] for d, u in drafts]
        jobs.append(lambda case=case, w=first: arbitration_award(case=case, user=reviewer1, winner=w, reason="PoE"))
        results = run_together(*jobs)

        unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, ClaimError)]
        assert not unexpected, unexpected
        _assert_key_consistent(first.association_key)
        assert Claim.objects.get(pk=first.pk).status == Status.APPROVED
        # Every submission that landed after the award competes in a new open case; none is lost.
        for draft, _user in drafts:
            claim = Claim.objects.get(pk=draft.pk)
            assert claim.status in (Status.SUBMITTED, Status.REJECTED)
            if claim.status == Status.SUBMITTED:
                assert claim.is_competing
                assert claim.case_links.filter(case__status=CaseStatus.OPEN).exists()
