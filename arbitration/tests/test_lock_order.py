"""One lock order for everything that touches an association key (docs/architecture.md,
"Concurrency"): the key's advisory lock first, then the case, then claims by id. On
PostgreSQL: a partner withdrawing a challenger 0–80 ms after another partner's competing
submission on the same key used to deadlock (the withdrawal locked its claim, then the case;
the submission the key, the case, then every claim on the key). Now neither ever sees a
deadlock, and the outcome is one the rules allow."""

import random

import pytest

from arbitration.models import ArbitrationCase, CaseStatus
from arbitration.tests.helpers import draft_with_poe
from claims import services
from claims.errors import ClaimError
from claims.models import Claim
from claims.states import Status
from claims.tests.factories import MpnFactory, PartnerFactory, SubscriptionFactory, member
from tests.helpers import run_together

ROUNDS = 40
MAX_DELAY_S = 0.080


@pytest.fixture
def three(transactional_db, postgres_required):
    out = []
    for name in ("Contoso", "Fabrikam", "Litware"):
        partner = PartnerFactory(name=name)
        out.append((MpnFactory(partner=partner), member(partner, f"{name.lower()}.admin")))
    return out


def test_withdrawal_right_after_a_competing_submission_never_deadlocks(three, dynamics_sales, reviewer1):
    (c_mpn, c_user), (f_mpn, f_user), (l_mpn, l_user) = three
    rng = random.Random(20261202)
    outcomes = []
    for _round in range(ROUNDS):
        sub = SubscriptionFactory(products=[dynamics_sales])
        incumbent = services.claim_submit(claim=draft_with_poe(c_mpn, c_user, sub, dynamics_sales), user=c_user)[0]
        services.claim_approve(claim=services.claim_start_review(claim=incumbent, user=reviewer1), user=reviewer1)
        challenger = services.claim_submit(claim=draft_with_poe(f_mpn, f_user, sub, dynamics_sales), user=f_user)[0]
        newcomer = draft_with_poe(l_mpn, l_user, sub, dynamics_sales)
        drafts_before = Claim.objects.filter(status=Status.EDITING).count()

        submitted, withdrawn = run_together(  # the withdrawal 0–80 ms after the submission starts
            lambda d=newcomer: services.claim_submit(claim=d, user=l_user)[0],
            lambda c=challenger: services.claim_withdraw(claim=c, user=f_user, reason="moved on"),
            delays=[0, rng.uniform(0, MAX_DELAY_S)],
            timeout=60,
        )
        problems = [r for r in (submitted, withdrawn) if isinstance(r, Exception) and not isinstance(r, ClaimError)]
        assert not problems, problems  # no deadlock (40P01) or other database error reaches anyone
        # What the rules allow: both succeed; the newcomer competes with the incumbent in the open case.
        assert isinstance(submitted, Claim) and isinstance(withdrawn, Claim), (submitted, withdrawn)
        assert Claim.objects.get(pk=challenger.pk).status == Status.WITHDRAWN
        newcomer = Claim.objects.get(pk=newcomer.pk)
        assert newcomer.status == Status.SUBMITTED and newcomer.is_competing
        open_cases = ArbitrationCase.objects.filter(association_key=newcomer.association_key, status=CaseStatus.OPEN)
        assert open_cases.count() == 1
        assert set(open_cases.get().participants.values_list("claim_id", flat=True)) >= {incumbent.pk, newcomer.pk}
        assert Claim.objects.get(pk=incumbent.pk).status == Status.APPROVED
        assert Claim.objects.filter(status=Status.EDITING).count() == drafts_before - 1  # no duplicate draft
        outcomes.append("ok")
    assert len(outcomes) == ROUNDS
