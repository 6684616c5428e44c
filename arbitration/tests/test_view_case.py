"""The side-by-side case screen: access, one column per claim with its data, PoE (newest
first, same-file flag, preview), thread and history, and a constant query count."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from arbitration.tests.helpers import contested_case, htmx
from claims import services
from claims.models import PoeFile
from tests.helpers import login


def url(case):
    return reverse("arbitration:case", args=[case.pk])


class TestAccess:
    def test_anonymous_goes_to_login(self, client, contested):
        response = client.get(url(contested[0]))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    @pytest.mark.parametrize("who", ["contoso_admin", "contoso_viewer", "fabrikam_admin"])
    def test_partner_users_are_refused(self, client, request, contested, who):
        login(client, request.getfixturevalue(who))
        assert client.get(url(contested[0])).status_code == 403

    @pytest.mark.parametrize("who", ["reviewer1", "lead", "superuser"])
    def test_reviewers_and_leads_see_it(self, client, request, contested, who):
        login(client, request.getfixturevalue(who))
        assert client.get(url(contested[0])).status_code == 200

    def test_unknown_case_is_404(self, client, contested, reviewer1):
        login(client, reviewer1)
        assert client.get(reverse("arbitration:case", args=[999999])).status_code == 404

    def test_post_is_not_allowed(self, client, contested, reviewer1):
        login(client, reviewer1)
        assert client.post(url(contested[0])).status_code == 405


def test_one_column_per_claim_with_its_data(client, contested, reviewer1):
    case, incumbent, challenger = contested
    login(client, reviewer1)
    html = client.get(url(case)).content.decode()
    for claim in (incumbent, challenger):
        assert f'id="col-{claim.pk}"' in html
        assert claim.reference in html
        assert claim.mpn.number in html
    assert html.index(f'id="col-{incumbent.pk}"') < html.index(f'id="col-{challenger.pk}"')  # incumbent first
    for text in ("Contoso", "Fabrikam", "Incumbent", "status-approved", "status-submitted", "Presales", "Enrolled"):
        assert text in html, text
    assert "Dynamics 365 Sales" in html
    assert case.tenant.name in html
    # the competing notices are in each thread, told apart as system messages
    assert "Microsoft is reviewing competing claims" in html
    assert "Another partner has claimed this customer and product" in html


def test_poe_newest_first_with_preview_and_download(client, contested, reviewer1, contoso_admin):
    case, incumbent, _challenger = contested
    services.poe_attach(
        claim=incumbent,
        user=contoso_admin,
        name="defence.pdf",
        file=ContentFile(b"%PDF-1.4 new"),
        content_type="application/pdf",
    )
    newest = PoeFile.objects.get(claim=incumbent, original_name="defence.pdf")
    login(client, reviewer1)
    html = client.get(url(case)).content.decode()
    column = html[html.index(f'id="col-{incumbent.pk}"') :]
    assert column.index("defence.pdf") < column.index("poe.pdf")
    assert column.index("Newest") < column.index("poe.pdf")
    assert reverse("claims:poe_download", args=[incumbent.pk, newest.pk]) in html
    preview = reverse("arbitration:poe_preview", args=[case.pk, incumbent.pk, newest.pk])
    assert preview in html


def test_same_file_from_two_partners_is_flagged(client, contested, reviewer1):
    case, incumbent, challenger = contested
    login(client, reviewer1)
    # Both fixtures uploaded the same bytes (helpers.PDF): one hash, two partners.
    digest = hashlib.sha256(PoeFile.objects.filter(claim=incumbent).first().file.read()).hexdigest()
    assert PoeFile.objects.filter(claim=challenger, sha256=digest).count() == 1
    html = client.get(url(case)).content.decode()
    assert html.count("Same file as another partner") == 2


def test_different_files_are_not_flagged(
    client, contoso_mpn, contoso_admin, fabrikam_mpn, fabrikam_admin, reviewer1, subscription, dynamics_sales
):
    case, _i, _c = contested_case(
        contoso=(contoso_mpn, contoso_admin),
        fabrikam=(fabrikam_mpn, fabrikam_admin),
        reviewer=reviewer1,
        sub=subscription,
        products=[dynamics_sales],
        fabrikam_fields={"content": b"%PDF-1.4 another file"},
    )
    login(client, reviewer1)
    assert "Same file as another partner" not in client.get(url(case)).content.decode()


def test_thread_tells_internal_notes_apart(client, contested, reviewer1, fabrikam_admin):
    case, _incumbent, challenger = contested
    services.comment_add(claim=challenger, user=reviewer1, body="Looks like a copy. internal-xyz", internal=True)
    services.comment_add(claim=challenger, user=fabrikam_admin, body="We did the workshop. partner-xyz")
    login(client, reviewer1)
    html = client.get(url(case)).content.decode()
    assert "internal-xyz" in html and "partner-xyz" in html
    note = html[: html.index("internal-xyz")]
    assert note.rindex('class="is-internal"') > note.rindex("<li")


def test_preview_fragment_and_page(client, contested, reviewer1):
    case, incumbent, _challenger = contested
    poe = PoeFile.objects.filter(claim=incumbent).first()
    preview_url = reverse("arbitration:poe_preview", args=[case.pk, incumbent.pk, poe.pk])
    login(client, reviewer1)
    response = client.get(preview_url, **htmx())
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="preview-{incumbent.pk}"' in html
    assert reverse("claims:poe_preview", args=[incumbent.pk, poe.pk]) in html and "<iframe" in html
    assert "HX-Request" in response["Vary"]
    page = client.get(preview_url)
    assert page.status_code == 200 and "<html" in page.content.decode() and "<iframe" in page.content.decode()


def test_preview_of_a_file_outside_the_case_is_404(client, contested, reviewer1, draft):
    case, incumbent, _challenger = contested
    other = PoeFile.objects.filter(claim=draft).first()
    login(client, reviewer1)
    assert client.get(reverse("arbitration:poe_preview", args=[case.pk, incumbent.pk, other.pk])).status_code == 404
    assert client.get(reverse("arbitration:poe_preview", args=[case.pk, draft.pk, other.pk])).status_code == 404


def test_for_claim_redirects_to_its_case(client, contested, reviewer1, draft, fabrikam_admin):
    case, _incumbent, challenger = contested
    login(client, reviewer1)
    response = client.get(reverse("arbitration:for_claim", args=[challenger.pk]))
    assert response.status_code == 302 and response["Location"] == url(case)
    assert client.get(reverse("arbitration:for_claim", args=[draft.pk])).status_code == 404
    login(client, fabrikam_admin)
    assert client.get(reverse("arbitration:for_claim", args=[challenger.pk])).status_code == 403


def _queries(client, case) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(case)).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["reviewer1", "lead"])
def test_query_count_is_constant_in_poe_and_comments(client, request, contested, who, contoso_admin, fabrikam_admin):
    case, incumbent, challenger = contested
    user = request.getfixturevalue(who)
    login(client, user)
    client.get(url(case))  # warm caches (content types, sessions)
    few = _queries(client, case)
    for i in range(9):
        for claim, partner_user in ((incumbent, contoso_admin), (challenger, fabrikam_admin)):
            services.poe_attach(
                claim=claim,
                user=partner_user,
                name=f"extra-{i}.pdf",
                file=ContentFile(f"%PDF-1.4 {claim.pk}-{i}".encode()),
                content_type="application/pdf",
            )
            services.comment_add(claim=claim, user=partner_user, body=f"note {i}")
            services.comment_add(claim=claim, user=user, body=f"internal {i}", internal=True)
    assert PoeFile.objects.filter(claim=incumbent).count() == 10
    many = _queries(client, case)
    assert many == few, (few, many)
    assert many <= 16
