"""The case screen's actions through the views: assign, award (and losing the race to
another reviewer), reopen (leads only); with and without HTMX; permissions."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from arbitration.forms import encode_versions
from arbitration.models import ArbitrationCase, CaseStatus
from arbitration.services import arbitration_award
from arbitration.tests.helpers import htmx
from claims import services
from claims.models import Claim, EndReason, RejectionReason
from claims.states import Status
from tests.helpers import login


def award_data(case, winner, reason="Fabrikam's PoE is signed by the customer."):
    claims = list(Claim.objects.filter(case_links__case=case).order_by("pk"))
    return {
        "version": case.version,
        "claim_versions": encode_versions(claims),
        "winner": winner.pk,
        "reason": reason,
    }


def action(name, case):
    return reverse(f"arbitration:{name}", args=[case.pk])


class TestPermissions:
    @pytest.mark.parametrize("name", ["assign", "request_info", "award", "reopen"])
    def test_get_is_not_allowed(self, client, contested, reviewer1, name):
        login(client, reviewer1)
        assert client.get(action(name, contested[0])).status_code == 405

    @pytest.mark.parametrize("name", ["assign", "request_info", "award", "reopen"])
    def test_anonymous_goes_to_login(self, client, contested, name):
        response = client.post(action(name, contested[0]))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    @pytest.mark.parametrize("name", ["assign", "request_info", "award", "reopen"])
    @pytest.mark.parametrize("who", ["contoso_admin", "fabrikam_admin", "contoso_viewer"])
    def test_partner_users_are_refused(self, client, request, contested, name, who):
        case, incumbent, challenger = contested
        login(client, request.getfixturevalue(who))
        assert client.post(action(name, case), award_data(case, challenger)).status_code == 403
        assert ArbitrationCase.objects.get(pk=case.pk).status == CaseStatus.OPEN

    def test_csrf_is_enforced(self, csrf_client, contested, reviewer1):
        case, _incumbent, challenger = contested
        login(csrf_client, reviewer1)
        assert csrf_client.post(action("award", case), award_data(case, challenger)).status_code == 403


class TestAssign:
    def test_reviewer_takes_the_case_and_its_open_claims(self, client, contested, reviewer1):
        case, incumbent, challenger = contested
        login(client, reviewer1)
        response = client.post(action("assign", case), {"version": case.version, "to_me": "1"})
        assert response.status_code == 302 and response["Location"] == reverse("arbitration:case", args=[case.pk])
        case.refresh_from_db()
        assert case.assignee == reviewer1
        assert Claim.objects.get(pk=challenger.pk).assignee == reviewer1

    def test_only_leads_assign_to_someone_else(self, client, contested, reviewer1, reviewer2, lead):
        case, _incumbent, _challenger = contested
        login(client, reviewer1)
        assert (
            client.post(action("assign", case), {"version": case.version, "assignee": reviewer2.pk}).status_code == 403
        )
        login(client, lead)
        response = client.post(action("assign", case), {"version": case.version, "assignee": reviewer2.pk}, **htmx())
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" not in html and 'id="case-actions"' in html and 'hx-swap-oob="true"' in html
        assert "Assignment saved." in html
        assert "caseUpdated" in response["HX-Trigger"]
        assert "HX-Request" in response["Vary"]
        assert ArbitrationCase.objects.get(pk=case.pk).assignee == reviewer2

    def test_stale_version_is_refused(self, client, contested, reviewer1):
        case, _incumbent, _challenger = contested
        login(client, reviewer1)
        response = client.post(action("assign", case), {"version": case.version + 5, "to_me": "1"})
        assert response.status_code == 409
        assert "This case changed — reload" in response.content.decode()
        assert ArbitrationCase.objects.get(pk=case.pk).assignee is None


class TestAward:
    def test_award_to_the_challenger(self, client, contested, reviewer1):
        case, incumbent, challenger = contested
        login(client, reviewer1)
        response = client.post(action("award", case), award_data(case, challenger))
        assert response.status_code == 302
        case.refresh_from_db()
        incumbent.refresh_from_db()
        challenger.refresh_from_db()
        assert case.status == CaseStatus.DECIDED and case.winner_id == challenger.pk
        assert case.decision_reason == "Fabrikam's PoE is signed by the customer."
        assert incumbent.status == Status.ENDED and incumbent.end_reason == EndReason.DISPLACED_BY_COMPETING_CLAIM
        assert challenger.status == Status.APPROVED
        page = client.get(response["Location"]).content.decode()
        assert "Case decided. Every partner has been told." in page
        assert "Awarded to" in page

    def test_award_to_the_incumbent_with_htmx(self, client, contested, reviewer1):
        case, incumbent, challenger = contested
        login(client, reviewer1)
        response = client.post(action("award", case), award_data(case, incumbent), **htmx())
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" not in html and 'id="case-columns"' in html and 'id="case-head"' in html
        challenger.refresh_from_db()
        assert challenger.status == Status.REJECTED
        assert challenger.decision_reason == RejectionReason.COMPETING_CLAIM_AWARDED

    def test_missing_reason_and_winner_are_form_errors(self, client, contested, reviewer1):
        case, _incumbent, challenger = contested
        login(client, reviewer1)
        data = award_data(case, challenger, reason="  ")
        del data["winner"]
        response = client.post(action("award", case), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Say why this claim wins." in html and "Choose the claim that wins." in html
        assert ArbitrationCase.objects.get(pk=case.pk).status == CaseStatus.OPEN

    def test_a_winner_outside_the_case_is_refused(self, client, contested, reviewer1, draft):
        case, _incumbent, _challenger = contested
        login(client, reviewer1)
        response = client.post(action("award", case), award_data(case, draft))
        assert response.status_code == 200
        assert ArbitrationCase.objects.get(pk=case.pk).status == CaseStatus.OPEN

    @pytest.mark.parametrize("hx", [False, True])
    def test_losing_the_race_keeps_the_reason(self, client, contested, reviewer1, reviewer2, hx):
        case, incumbent, challenger = contested
        data = award_data(case, challenger, reason="My carefully typed reason.")
        # reviewer2 decides first, after reviewer1's form was drawn.
        arbitration_award(case=case, user=reviewer2, winner=incumbent, reason="Contoso did the work.")
        login(client, reviewer1)
        response = client.post(action("award", case), data, **(htmx() if hx else {}))
        assert response.status_code == (200 if hx else 409)
        html = response.content.decode()
        assert "This case was decided by someone else meanwhile — reload" in html
        assert "My carefully typed reason." in html
        case.refresh_from_db()
        assert case.winner_id == incumbent.pk  # nothing changed by the loser
        assert Claim.objects.get(pk=challenger.pk).status == Status.REJECTED

    def test_stale_claim_version_is_refused_and_form_refreshed(self, client, contested, reviewer1, contoso_admin):
        case, incumbent, challenger = contested
        data = award_data(case, incumbent, reason="Contoso's PoE is older.")
        # The incumbent defends with new PoE after the screen was drawn.
        services.poe_attach(
            claim=incumbent,
            user=contoso_admin,
            name="defence.pdf",
            file=ContentFile(b"%PDF-1.4 d"),
            content_type="application/pdf",
        )
        login(client, reviewer1)
        response = client.post(action("award", case), data)
        assert response.status_code == 409
        html = response.content.decode()
        assert "This case changed — reload" in html and "Contoso&#x27;s PoE is older." in html
        assert "defence.pdf" in html  # the screen now shows the new PoE
        assert ArbitrationCase.objects.get(pk=case.pk).status == CaseStatus.OPEN
        # The re-rendered form carries the current versions: sending it again succeeds.
        incumbent.refresh_from_db()
        assert f"{incumbent.pk}:{incumbent.version}" in html
        again = award_data(case, incumbent, reason="Contoso's PoE is older.")
        assert client.post(action("award", case), again).status_code == 302
        assert ArbitrationCase.objects.get(pk=case.pk).winner_id == incumbent.pk

    def test_a_claim_that_joined_meanwhile_makes_the_form_stale(
        self, client, contested, reviewer1, subscription, dynamics_sales
    ):
        from arbitration.tests.helpers import file_claim
        from claims.tests.factories import MpnFactory, PartnerFactory, member

        case, incumbent, _challenger = contested
        data = award_data(case, incumbent)
        litware = PartnerFactory(name="Litware")
        file_claim(
            MpnFactory(partner=litware), member(litware, "litware.admin"), sub=subscription, products=[dynamics_sales]
        )
        login(client, reviewer1)
        response = client.post(action("award", case), data)
        assert response.status_code == 409 and "This case changed — reload" in response.content.decode()
        assert ArbitrationCase.objects.get(pk=case.pk).status == CaseStatus.OPEN

    @pytest.mark.parametrize("damage", [{"claim_versions": "x:1,2"}, {"claim_versions": ""}, {"version": ""}])
    def test_damaged_or_missing_versions_are_refused_as_stale(self, client, contested, reviewer1, damage):
        case, _incumbent, challenger = contested
        login(client, reviewer1)
        data = {**award_data(case, challenger), **damage}
        response = client.post(action("award", case), data)
        assert response.status_code == 409 and "This case changed" in response.content.decode()
        case.refresh_from_db()
        assert case.status == "open"


class TestReopen:
    def _decide(self, case, reviewer, winner):
        return arbitration_award(case=case, user=reviewer, winner=winner, reason="Contoso did the work.")

    def test_only_leads_reopen(self, client, contested, reviewer1, lead):
        case, incumbent, challenger = contested
        case = self._decide(case, reviewer1, incumbent)
        login(client, reviewer1)
        page = client.get(reverse("arbitration:case", args=[case.pk])).content.decode()
        assert action("reopen", case) not in page
        assert client.post(action("reopen", case), {"version": case.version, "reason": "x"}).status_code == 403
        login(client, lead)
        page = client.get(reverse("arbitration:case", args=[case.pk])).content.decode()
        assert action("reopen", case) in page
        response = client.post(action("reopen", case), {"version": case.version, "reason": "The customer called."})
        assert response.status_code == 302
        case.refresh_from_db()
        challenger.refresh_from_db()
        assert case.status == CaseStatus.OPEN and challenger.status == Status.UNDER_REVIEW

    def test_reopen_needs_a_reason(self, client, contested, reviewer1, lead):
        case, incumbent, _challenger = contested
        case = self._decide(case, reviewer1, incumbent)
        login(client, lead)
        response = client.post(action("reopen", case), {"version": case.version, "reason": ""}, **htmx())
        assert response.status_code == 200 and "Say why the case is reopened." in response.content.decode()
        assert ArbitrationCase.objects.get(pk=case.pk).status == CaseStatus.DECIDED

    def test_open_case_cannot_be_reopened(self, client, contested, lead):
        case, _incumbent, _challenger = contested
        login(client, lead)
        response = client.post(action("reopen", case), {"version": case.version, "reason": "why"})
        assert response.status_code == 200 and "Only a decided case can be reopened." in response.content.decode()

    def test_reopen_brings_back_a_displaced_incumbent(self, client, contested, reviewer1, lead, contoso_admin):
        from notifications.models import Notification

        case, incumbent, challenger = contested
        case = self._decide(case, reviewer1, challenger)
        assert Claim.objects.get(pk=incumbent.pk).status == Status.ENDED
        login(client, lead)
        data = {"version": case.version, "reason": "The customer says Contoso did the work."}
        assert client.post(action("reopen", case), data).status_code == 302
        incumbent.refresh_from_db()
        assert incumbent.status == Status.UNDER_REVIEW and incumbent.is_competing
        assert incumbent.end_reason == "" and incumbent.ended_at is None
        reopened = Notification.objects.filter(recipient=contoso_admin, claim=incumbent, data__status="under_review")
        assert reopened.count() == 1
        case.refresh_from_db()
        response = client.post(action("award", case), award_data(case, incumbent, reason="Customer confirmed Contoso."))
        assert response.status_code == 302
        incumbent.refresh_from_db()
        challenger.refresh_from_db()
        assert (incumbent.status, challenger.status) == (Status.APPROVED, Status.ENDED)
        assert Claim.objects.filter(association_key=case.association_key, status=Status.APPROVED).count() == 1
