"""Rate limits (lib/ratelimit.py, docs/security.md): comments, PoE uploads, new drafts and the
live checks each allow so many requests per user and window. Over the limit: HTTP 429 with
Retry-After, nothing saved, a page that says so (and repeats what was typed), a notice for
HTMX, the "unavailable" state for a live check. Other users are not affected, and with Redis
every worker counts in the same place."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, RequestFactory
from django.urls import reverse

from claims.models import Claim, Comment, PoeFile
from claims.tests.factories import SubscriptionFactory, member
from claims.tests.test_uploads import pdf_bytes, upload
from lib import ratelimit
from lib.redis_cache import ReusingRedisCache
from partners.models import Role
from tests.helpers import claim_form_data, login
from tests.security.conftest import htmx, tally

LOW = {"comment": (3, 600), "poe": (2, 600), "draft": (2, 600), "live_check": (4, 60)}


@pytest.fixture(autouse=True)
def low_limits(settings, quiet_request_log):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **LOW}


def version_of(claim) -> int:
    return Claim.objects.values_list("version", flat=True).get(pk=claim.pk)


def assert_refused(response, *, window: int):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= window
    html = response.content.decode()
    assert "Nothing was saved." in html
    tally("rate-limited requests", 1)
    return html


def assert_page(response, *, window: int, typed: str | None = None):
    html = assert_refused(response, window=window)
    assert "<html" in html and "Too many requests in a short time" in html
    assert "what you typed is still in the form" in html
    assert "Wait " in html and "then try again" in html
    if typed is not None:
        assert f"{typed}</textarea>" in html  # the text to copy, should the form come back empty
    return html


# --- comments -----------------------------------------------------------------------------------


def test_partner_comments(world, contoso):
    claim = world.companies["contoso"].claim
    url = reverse("claims:comment", args=[claim.pk])
    admin = login(Client(), world.users["contoso.admin"])
    requests, window = LOW["comment"]
    for n in range(requests):
        assert admin.post(url, {"body": f"Comment {n}"}).status_code == 302
    before = Comment.objects.count()
    response = admin.post(url, {"body": "One too many, with <b>care</b>."})
    assert_page(response, window=window, typed="One too many, with &lt;b&gt;care&lt;/b&gt;.")
    assert Comment.objects.count() == before  # nothing saved
    # a colleague is counted on their own
    colleague = login(Client(), member(contoso, "contoso.colleague", Role.INCENTIVES_ADMIN))
    assert colleague.post(url, {"body": "Mine goes through."}).status_code == 302
    # the GET of the page is never limited
    assert admin.get(reverse("claims:detail", args=[claim.pk])).status_code == 200


def test_partner_comment_over_htmx_gets_a_notice_for_its_form(world):
    claim = world.companies["contoso"].claim
    url = reverse("claims:comment", args=[claim.pk])
    admin = login(Client(), world.users["contoso.admin"])
    requests, window = LOW["comment"]
    for n in range(requests):
        assert admin.post(url, {"body": f"Comment {n}"}, **htmx()).status_code == 200
    response = admin.post(url, {"body": "Over"}, **htmx())
    html = assert_refused(response, window=window)
    assert "<html" not in html and 'class="flash flash-error rate-limited"' in html
    assert "Your text is still in the form." in html
    # added to the form that sent it, which keeps what was typed
    assert response["HX-Retarget"] == "this" and response["HX-Reswap"] == "beforeend"
    assert "HX-Request" in response["Vary"]


def test_reviewer_comments(world):
    claim = world.companies["contoso"].claim
    url = reverse("review:comment", args=[claim.pk])
    reviewer = login(Client(), world.users["reviewer"])
    requests, window = LOW["comment"]
    for n in range(requests):
        assert reviewer.post(url, {"visibility": "internal", "body": f"Note {n}"}).status_code == 302
    before = Comment.objects.count()
    assert_page(
        reviewer.post(url, {"visibility": "internal", "body": "A note too many"}),
        window=window,
        typed="A note too many",
    )
    assert Comment.objects.count() == before
    response = reviewer.post(url, {"visibility": "internal", "body": "Over"}, **htmx())
    assert "<html" not in assert_refused(response, window=window)
    lead = login(Client(), world.users["lead"])
    assert lead.post(url, {"visibility": "internal", "body": "The lead's note"}).status_code == 302


# --- PoE ----------------------------------------------------------------------------------------


def test_poe_uploads(world, contoso):
    claim = world.companies["contoso"].claim
    url = reverse("claims:poe_add", args=[claim.pk])
    admin = login(Client(), world.users["contoso.admin"])
    requests, window = LOW["poe"]
    for n in range(requests):
        body = {"version": version_of(claim), "poe": [upload(f"extra{n}.pdf", pdf_bytes())]}
        assert admin.post(url, body).status_code == 302
    before = PoeFile.objects.count()
    body = {"version": version_of(claim), "poe": [upload("over.pdf", pdf_bytes())]}
    html = assert_page(admin.post(url, body), window=window)
    assert "Files you chose may need to be chosen again." in html
    assert PoeFile.objects.count() == before
    colleague = login(Client(), member(contoso, "contoso.colleague", Role.INCENTIVES_ADMIN))
    body = {"version": version_of(claim), "poe": [upload("theirs.pdf", pdf_bytes())]}
    assert colleague.post(url, body).status_code == 302


def test_a_claim_form_with_files_counts_as_poe(contoso_admin, contoso_mpn, dynamics_sales, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "draft": (100, 600)}
    partner = login(Client(), contoso_admin)
    requests, window = LOW["poe"]

    def form(**extra):
        return claim_form_data(SubscriptionFactory(products=[dynamics_sales]), contoso_mpn, dynamics_sales, **extra)

    for n in range(requests):
        response = partner.post(reverse("claims:new"), form(action="save", poe=[upload(f"p{n}.pdf", pdf_bytes())]))
        assert response.status_code == 302
    drafts = Claim.objects.count()
    response = partner.post(reverse("claims:new"), form(action="save", poe=[upload("over.pdf", pdf_bytes())]))
    assert_page(response, window=window, typed="Ran the pilot.")
    assert Claim.objects.count() == drafts
    # without files the same form is not a PoE upload
    assert partner.post(reverse("claims:new"), form(action="save")).status_code == 302
    # nor is the edit form without files; with files it is
    claim = Claim.objects.latest("pk")
    edit = reverse("claims:edit", args=[claim.pk])
    data = form(action="save", version=version_of(claim))
    assert partner.post(edit, data).status_code == 302
    data = form(action="save", version=version_of(claim), poe=[upload("late.pdf", pdf_bytes())])
    assert_page(partner.post(edit, data), window=window)


# --- drafts -------------------------------------------------------------------------------------


def test_new_drafts(contoso, contoso_admin, contoso_mpn, dynamics_sales):
    partner = login(Client(), contoso_admin)
    requests, window = LOW["draft"]

    def form():
        return claim_form_data(
            SubscriptionFactory(products=[dynamics_sales]), contoso_mpn, dynamics_sales, action="save"
        )

    for _n in range(requests):
        assert partner.post(reverse("claims:new"), form()).status_code == 302
    before = Claim.objects.count()
    assert_page(partner.post(reverse("claims:new"), form()), window=window, typed="Ran the pilot.")
    assert Claim.objects.count() == before
    # opening the form is not counted
    assert partner.get(reverse("claims:new")).status_code == 200
    colleague = login(Client(), member(contoso, "contoso.colleague", Role.INCENTIVES_ADMIN))
    assert colleague.post(reverse("claims:new"), form()).status_code == 302


# --- live checks ----------------------------------------------------------------------------------


def test_live_checks_share_one_limit_and_show_their_unavailable_state(world, subscription, contoso):
    admin = login(Client(), world.users["contoso.admin"])
    tenant = str(subscription.tenant.tenant_id)
    checks = [
        (reverse("claims:check_tenant"), {"customer_tenant_id": tenant}),
        (reverse("claims:check_subscription"), {"subscription_ref": str(subscription.subscription_id)}),
        (reverse("claims:check_mpn"), {"mpn": world.companies["contoso"].mpn.pk, "activity": "presales"}),
    ]
    requests, window = LOW["live_check"]
    for n in range(requests):
        url, params = checks[n % len(checks)]
        assert admin.get(url, params, **htmx()).status_code == 200
    for url, params in checks:
        response = admin.get(url, params, **htmx())
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= window
        html = response.content.decode()
        assert "<html" not in html and 'data-code="check_unavailable"' in html
        assert "Try again shortly" in html
        tally("rate-limited requests", 1)
    colleague = login(Client(), member(contoso, "contoso.colleague", Role.INCENTIVES_ADMIN))
    url, params = checks[0]
    assert colleague.get(url, params, **htmx()).status_code == 200


# --- the counter ----------------------------------------------------------------------------------


def test_windows_and_retry_after(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (2, 60)}
    cache = LocMemCache("rate-limit-test", {})
    assert ratelimit.hit("comment", "user:1", cache=cache, now=1000.5) is None
    assert ratelimit.hit("comment", "user:1", cache=cache, now=1001) is None
    assert ratelimit.hit("comment", "user:1", cache=cache, now=1010) == 10  # the window ends at 1020
    assert ratelimit.hit("comment", "user:1", cache=cache, now=1019.9) == 1
    assert ratelimit.hit("comment", "user:2", cache=cache, now=1019.9) is None
    assert ratelimit.hit("comment", "user:1", cache=cache, now=1020) is None  # a new window


def test_a_key_that_expires_between_add_and_incr_starts_the_window_again(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (1, 60)}

    class Expiring(LocMemCache):
        def add(self, key, value, timeout=None, version=None):
            return False  # the key was there…

        def incr(self, key, delta=1, version=None):
            raise ValueError("gone")  # …and is gone now

    assert ratelimit.hit("comment", "user:1", cache=Expiring("expiring", {}), now=5) is None


def test_an_unreachable_cache_lets_requests_through(world, monkeypatch):
    class Down(LocMemCache):
        def add(self, *args, **kwargs):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(ratelimit, "default_cache", Down("down", {}))
    claim = world.companies["contoso"].claim
    admin = login(Client(), world.users["contoso.admin"])
    for n in range(LOW["comment"][0] + 2):
        assert admin.post(reverse("claims:comment", args=[claim.pk]), {"body": f"c{n}"}).status_code == 302


def test_anonymous_requests_are_counted_by_the_client_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.9, 198.51.100.4")
    request.user = AnonymousUser()
    assert ratelimit.identity(request) == "ip:198.51.100.4"


def test_a_scope_without_a_limit_fails_at_once():
    with pytest.raises(KeyError):
        ratelimit.rate_limited("no-such-scope")


# --- shared by every worker ------------------------------------------------------------------------


def test_two_workers_count_together(redis_url, settings):
    """Two cache clients with their own connection pools, as two gunicorn workers (or hosts)
    have: requests through either count against one limit."""
    location = settings.CACHES["default"]["LOCATION"]  # with REDIS_URL set, the cache is Redis
    assert location.startswith("redis"), location
    worker_a, worker_b = ReusingRedisCache(location, {}), ReusingRedisCache(location, {})
    client_a = worker_a._cache.get_client(write=True)  # noqa: SLF001 (the test inspects the wiring)
    client_b = worker_b._cache.get_client(write=True)  # noqa: SLF001
    assert client_a.connection_pool is not client_b.connection_pool
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (5, 600)}
    who = f"user:test-{uuid.uuid4().hex}"
    answers = [ratelimit.hit("comment", who, cache=(worker_a, worker_b)[n % 2]) for n in range(7)]
    assert answers[:5] == [None] * 5
    assert answers[5] is not None and answers[6] is not None
    assert ratelimit.hit("comment", f"user:test-{uuid.uuid4().hex}", cache=worker_b) is None
