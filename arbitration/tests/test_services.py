"""Detection of competing claims for each key type, the award, and a lead's reopen."""

import pytest
from django.core.files.base import ContentFile

from arbitration.models import ArbitrationCase, CaseStatus
from arbitration.services import arbitration_award, arbitration_reopen
from claims import services
from claims.errors import ClaimError, InvalidTransition, NotAllowed
from claims.models import Activity, Claim, Comment, EndReason, RejectionReason
from claims.states import Status
from claims.tests.factories import ClaimFactory, ProductFactory, SubscriptionFactory
from directory.models import SolutionArea


def file_claim(mpn, user, **fields):
    claim = ClaimFactory(mpn=mpn, created_by=user, **fields)
    services.poe_attach(
        claim=claim, user=user, name="poe.pdf", file=ContentFile(b"%PDF-1.4 x"), content_type="application/pdf"
    )
    return services.claim_submit(claim=claim, user=user)[0]


def approve(claim, reviewer):
    claim = services.claim_start_review(claim=claim, user=reviewer)
    return services.claim_approve(claim=claim, user=reviewer)


@pytest.fixture
def teams(db):
    return ProductFactory(
        code="teams", name="Microsoft Teams", solution_area=SolutionArea.MICROSOFT_365, is_dynamics=False
    )


KEY_TYPES = ["subscription", "revenue_association", "m365_workload"]


@pytest.fixture
def key_fields(request, subscription, dynamics_sales, teams):
    kind = request.param
    if kind == "subscription":
        return {"sub": subscription, "products": [dynamics_sales], "activity": Activity.USAGE}
    if kind == "revenue_association":
        return {"sub": subscription, "products": [dynamics_sales], "activity": Activity.REVENUE_ASSOCIATION}
    m365 = SubscriptionFactory(tenant=subscription.tenant, products=[teams])
    return {
        "sub": m365,
        "products": [teams],
        "solution_area": SolutionArea.MICROSOFT_365,
        "activity": Activity.USAGE,
        "subscription_ref": "",
    }


@pytest.mark.parametrize("key_fields", KEY_TYPES, indirect=True)
def test_claim_for_an_owned_key_opens_a_case(
    key_fields, contoso_mpn, contoso_admin, fabrikam_mpn, fabrikam_admin, reviewer1
):
    incumbent = approve(file_claim(contoso_mpn, contoso_admin, **key_fields), reviewer1)
    challenger = file_claim(fabrikam_mpn, fabrikam_admin, **key_fields)
    assert challenger.status == Status.SUBMITTED and challenger.is_competing
    case = ArbitrationCase.objects.get(association_key=challenger.association_key, status=CaseStatus.OPEN)
    links = {link.claim_id: link.is_incumbent for link in case.participants.all()}
    assert links == {incumbent.pk: True, challenger.pk: False}
    incumbent.refresh_from_db()
    assert incumbent.status == Status.APPROVED  # stays valid until the case is decided
    for claim, code in ((incumbent, "competing_incumbent"), (challenger, "competing")):
        competing = Comment.objects.filter(claim=claim, kind="system", code__startswith="competing")
        assert list(competing.values_list("code", flat=True)) == [code]


@pytest.mark.parametrize("key_fields", ["subscription"], indirect=True)
def test_claim_for_a_pending_key_joins_the_open_case(
    key_fields, contoso_mpn, contoso_admin, fabrikam_mpn, fabrikam_admin
):
    from claims.tests.factories import MpnFactory, PartnerFactory, member

    first = file_claim(contoso_mpn, contoso_admin, **key_fields)
    second = file_claim(fabrikam_mpn, fabrikam_admin, **key_fields)
    litware = PartnerFactory(name="Litware")
    third = file_claim(MpnFactory(partner=litware), member(litware, "litware.admin"), **key_fields)
    cases = ArbitrationCase.objects.filter(association_key=first.association_key)
    assert cases.count() == 1
    assert set(cases.get().participants.values_list("claim_id", flat=True)) == {first.pk, second.pk, third.pk}


@pytest.mark.parametrize("key_fields", ["subscription"], indirect=True)
def test_same_partner_again_is_already_claimed(key_fields, contoso_mpn, contoso_admin):
    from claims.errors import ValidationFailed

    file_claim(contoso_mpn, contoso_admin, **key_fields)
    with pytest.raises(ValidationFailed) as caught:
        file_claim(contoso_mpn, contoso_admin, **key_fields)
    assert [i.code for i in caught.value.issues] == ["already_claimed"]


@pytest.fixture
def contested(subscription, dynamics_sales, contoso_mpn, contoso_admin, fabrikam_mpn, fabrikam_admin, reviewer1):
    fields = {"sub": subscription, "products": [dynamics_sales]}
    incumbent = approve(file_claim(contoso_mpn, contoso_admin, **fields), reviewer1)
    challenger = file_claim(fabrikam_mpn, fabrikam_admin, **fields)
    case = ArbitrationCase.objects.get(association_key=challenger.association_key)
    return case, incumbent, challenger


def test_award_to_challenger_ends_incumbent(contested, reviewer1):
    case, incumbent, challenger = contested
    with pytest.raises(ClaimError):  # competing claims are decided on the case, not one by one
        services.claim_approve(claim=services.claim_start_review(claim=challenger, user=reviewer1), user=reviewer1)
    case = arbitration_award(case=case, user=reviewer1, winner=challenger, reason="Fabrikam's PoE is newer.")
    incumbent.refresh_from_db()
    challenger.refresh_from_db()
    assert case.status == CaseStatus.DECIDED and case.winner_id == challenger.pk
    assert incumbent.status == Status.ENDED and incumbent.end_reason == EndReason.DISPLACED_BY_COMPETING_CLAIM
    assert challenger.status == Status.APPROVED
    assert Claim.objects.filter(association_key=case.association_key, status=Status.APPROVED).count() == 1
    with pytest.raises(InvalidTransition):
        arbitration_award(case=case, user=reviewer1, winner=incumbent, reason="again")


def test_award_to_incumbent_rejects_challenger(contested, reviewer1):
    case, incumbent, challenger = contested
    arbitration_award(case=case, user=reviewer1, winner=incumbent, reason="Contoso did the work.")
    challenger.refresh_from_db()
    assert challenger.status == Status.REJECTED
    assert challenger.decision_reason == RejectionReason.COMPETING_CLAIM_AWARDED


def test_only_leads_reopen(contested, reviewer1, lead):
    case, incumbent, challenger = contested
    case = arbitration_award(case=case, user=reviewer1, winner=incumbent, reason="Contoso did the work.")
    with pytest.raises(NotAllowed):
        arbitration_reopen(case=case, user=reviewer1, reason="x")
    case = arbitration_reopen(case=case, user=lead, reason="The customer called: Fabrikam did the work.")
    challenger.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert challenger.status == Status.UNDER_REVIEW and challenger.is_competing
    arbitration_award(case=case, user=lead, winner=challenger, reason="Customer confirmation.")
    incumbent.refresh_from_db()
    challenger.refresh_from_db()
    assert (incumbent.status, challenger.status) == (Status.ENDED, Status.APPROVED)


def test_withdrawing_the_only_challenger_closes_the_case(contested, fabrikam_admin):
    case, incumbent, challenger = contested
    services.claim_withdraw(claim=challenger, user=fabrikam_admin)
    case.refresh_from_db()
    incumbent.refresh_from_db()
    assert case.status == CaseStatus.DECIDED and incumbent.status == Status.APPROVED
