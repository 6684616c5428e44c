"""Access matrix for the partner side's views: anonymous → login; Contoso admin → its own
objects; Contoso viewer → reads 200, every write 403; Fabrikam admin on Contoso ids → 404
(pages, fragments, downloads); reviewer → 403/404 on partner pages (downloads of submitted
claims are allowed, for the review screen)."""

import pytest
from django.urls import reverse

from claims.services import claim_submit, claim_withdraw
from claims.tests.factories import ClaimFactory
from partner_portal.urls import urlpatterns
from tests.helpers import login

# (url name, method, object: None | "claim" | "poe" | "closed", kind: "read" | "write")
ROUTES = [
    ("list", "get", None, "read"),
    ("export", "get", None, "read"),
    ("new", "get", None, "write"),
    ("new", "post", None, "write"),
    ("form_fields", "get", None, "write"),
    ("check_tenant", "get", None, "write"),
    ("check_subscription", "get", None, "write"),
    ("check_mpn", "get", None, "write"),
    ("detail", "get", "claim", "read"),
    ("edit", "get", "claim", "write"),
    ("edit", "post", "claim", "write"),
    ("submit", "post", "claim", "write"),
    ("comment", "post", "claim", "write"),
    ("resubmit", "post", "claim", "write"),
    ("withdraw", "post", "claim", "write"),
    ("dispute", "post", "claim", "write"),
    ("end", "post", "claim", "write"),
    ("poe_add", "post", "claim", "write"),
    ("case_answer", "post", "claim", "write"),
    ("reclaim", "get", "closed", "write"),
    ("reclaim", "post", "closed", "write"),
    ("poe_download", "get", "poe", "read"),
    ("poe_preview", "get", "poe", "read"),
    ("drafts_discard", "post", None, "write"),
    ("poe_template", "get", None, "read"),
]
ROUTE_IDS = [f"{method}-{name}" for name, method, _obj, _kind in ROUTES]


@pytest.fixture
def objects(draft, contoso_admin, contoso_mpn, subscription, dynamics_sales):
    claim_submit(claim=draft, user=contoso_admin)
    closed = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=subscription, products=[dynamics_sales])
    claim_withdraw(claim=closed, user=contoso_admin)
    return {"claim": draft, "closed": closed, "poe": draft.poe_files.get()}


def url_for(name, obj, objects):
    if obj is None:
        return reverse(f"claims:{name}")
    if obj == "poe":
        poe = objects["poe"]
        return reverse(f"claims:{name}", args=[poe.claim_id, poe.pk])
    return reverse(f"claims:{name}", args=[objects[obj].pk])


def call(client, name, method, obj, objects):
    data = {"action": "save", "body": "x", "message": "x", "justification": "x", "confirm": "on"}
    url = url_for(name, obj, objects)
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize(("name", "method", "obj", "kind"), ROUTES, ids=ROUTE_IDS)
def test_anonymous(client, objects, name, method, obj, kind):
    response = call(client, name, method, obj, objects)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "method", "obj", "kind"), ROUTES, ids=ROUTE_IDS)
def test_contoso_admin_own(client, contoso_admin, objects, name, method, obj, kind):
    login(client, contoso_admin)
    response = call(client, name, method, obj, objects)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "method", "obj", "kind"), ROUTES, ids=ROUTE_IDS)
def test_contoso_viewer(client, contoso_viewer, objects, name, method, obj, kind):
    login(client, contoso_viewer)
    response = call(client, name, method, obj, objects)
    assert response.status_code == (200 if kind == "read" else 403)


@pytest.mark.parametrize(("name", "method", "obj", "kind"), ROUTES, ids=ROUTE_IDS)
def test_fabrikam_admin_on_contoso(client, fabrikam_admin, objects, name, method, obj, kind):
    login(client, fabrikam_admin)
    response = call(client, name, method, obj, objects)
    if obj is None:
        assert response.status_code in (200, 302)  # its own list and form
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(("name", "method", "obj", "kind"), ROUTES, ids=ROUTE_IDS)
def test_reviewer(client, reviewer1, objects, name, method, obj, kind):
    login(client, reviewer1)
    response = call(client, name, method, obj, objects)
    if name in ("poe_download", "poe_preview"):
        assert response.status_code == 200  # reviewers open PoE of submitted claims
    else:
        assert response.status_code in (403, 404)


def test_every_claims_route_is_in_the_matrix():
    assert {p.name for p in urlpatterns} == {name for name, *_rest in ROUTES}
