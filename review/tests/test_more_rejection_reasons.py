"""Partner Center's later rejection reasons: offered in the reviewer's form, shown to the
partner in its language, and named in the CSV like every other reason."""

import pytest
from django.urls import reverse
from django.utils import translation

from claims.models import RejectionReason
from claims.services import claim_reject
from notifications.tests.helpers import under_review
from tests.helpers import login

pytestmark = pytest.mark.django_db
NEW = ("missing_customer_consent", "missing_products", "poe_unavailable")


def test_the_reviewer_can_choose_each(client, draft, contoso_admin, reviewer1):
    claim = under_review(draft, contoso_admin, reviewer1)
    html = login(client, reviewer1).get(reverse("review:claim", args=[claim.pk])).content.decode()
    for code in NEW:
        assert f'value="{code}"' in html
    assert "Missing customer consent on PoE" in html


@pytest.mark.parametrize("code", NEW)
def test_the_partner_reads_the_reason_in_its_language(client, draft, contoso_admin, reviewer1, code):
    claim = claim_reject(claim=under_review(draft, contoso_admin, reviewer1), user=reviewer1, reason=code, message="")
    label = RejectionReason(code).label
    page = login(client, contoso_admin).get(reverse("claims:detail", args=[claim.pk]))
    assert str(label) in page.content.decode()
    with translation.override("sv"):
        swedish = str(RejectionReason(code).label)
    assert swedish != str(label)  # translated
    contoso_admin.language = "sv"  # a signed-in user's saved language wins
    contoso_admin.save(update_fields=["language"])
    assert swedish in client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
