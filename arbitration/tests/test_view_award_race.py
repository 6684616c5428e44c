"""Two reviewers press "Award" on the same case at the same moment, through the views, on
PostgreSQL: exactly one award is saved, the other reviewer gets the clear "decided by someone
else" answer with the typed reason kept, and nobody gets a 500."""

import threading

from django.core.files.base import ContentFile
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from arbitration.forms import encode_versions
from arbitration.models import ArbitrationCase, CaseStatus
from claims import services
from claims.models import Claim
from claims.states import Status
from claims.tests.factories import ClaimFactory, MpnFactory, PartnerFactory, SubscriptionFactory, member
from tests.helpers import login

ROUNDS = 10


def _submit(mpn, user, sub, product):
    claim = ClaimFactory(mpn=mpn, created_by=user, sub=sub, products=[product])
    services.poe_attach(
        claim=claim, user=user, name="p.pdf", file=ContentFile(b"%PDF-1.4 race"), content_type="application/pdf"
    )
    return services.claim_submit(claim=claim, user=user)[0]


def _post_together(url, posts):
    """Each (user, data) posted by its own client in its own thread, released at once."""
    barrier = threading.Barrier(len(posts))
    results = [None] * len(posts)

    def run(i, user, data):
        try:
            client = login(Client(), user)
            barrier.wait(timeout=10)
            response = client.post(url, data)
            results[i] = (response.status_code, response.content.decode())
        except Exception as exc:  # judged by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, u, d)) for i, (u, d) in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()
    return results


def test_simultaneous_awards_through_the_views(
    transactional_db, postgres_required, dynamics_sales, reviewer1, reviewer2
):
    partners = []
    for name in ("Contoso", "Fabrikam", "Litware"):
        partner = PartnerFactory(name=name)
        partners.append((MpnFactory(partner=partner), member(partner, f"{name.lower()}.admin")))
    for _round in range(ROUNDS):
        sub = SubscriptionFactory(products=[dynamics_sales])
        claims = [_submit(mpn, user, sub, dynamics_sales) for mpn, user in partners]
        case = ArbitrationCase.objects.get(association_key=claims[0].association_key, status=CaseStatus.OPEN)
        versions = encode_versions(Claim.objects.filter(case_links__case=case).order_by("pk"))
        url = reverse("arbitration:award", args=[case.pk])
        posts = [
            (reviewer1, {"version": case.version, "claim_versions": versions, "winner": claims[1].pk, "reason": "R1"}),
            (reviewer2, {"version": case.version, "claim_versions": versions, "winner": claims[2].pk, "reason": "R2"}),
        ]
        results = _post_together(url, posts)

        assert all(isinstance(r, tuple) for r in results), results
        codes = sorted(code for code, _html in results)
        assert codes == [302, 409], codes
        lost = next(html for code, html in results if code == 409)
        assert "This case was decided by someone else meanwhile — reload" in lost
        case.refresh_from_db()
        assert case.status == CaseStatus.DECIDED
        assert Claim.objects.filter(association_key=case.association_key, status=Status.APPROVED).count() == 1
        winner_reason = {claims[1].pk: "R1", claims[2].pk: "R2"}[case.winner_id]
        assert case.decision_reason == winner_reason
        other_reason = "R2" if winner_reason == "R1" else "R1"
        assert f">\n{other_reason}</textarea>" in lost  # the loser's typed reason is kept (read-only)
