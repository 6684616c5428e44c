"""Shared fixtures: users of every role, two competing partners, a valid directory.

Actors (as in the hardening matrix): anonymous, Contoso admin, Contoso viewer (read-only),
Fabrikam admin (the competitor), reviewer, review lead, superuser.
"""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from arbitration.tests.helpers import contested_case
from claims.tests.factories import (
    ClaimFactory,
    MpnFactory,
    PartnerFactory,
    ProductFactory,
    SubscriptionFactory,
    UserFactory,
    member,
    reviewer,
)
from partners.models import Role
from tests.helpers import needs_service


@pytest.fixture(autouse=True)
def _poe_storage(settings, tmp_path, monkeypatch):
    """PoE files of each test go to a fresh folder. The model field took its storage when the
    models were imported, so the field's storage is replaced too, not only the setting."""
    from django.utils.module_loading import import_string

    from claims.models import PendingUpload, PoeFile

    location = str(tmp_path / "poe")
    settings.STORAGES = {**settings.STORAGES, "poe": {**settings.STORAGES["poe"], "OPTIONS": {"location": location}}}
    storage = import_string(settings.STORAGES["poe"]["BACKEND"])(location=location)
    monkeypatch.setattr(PoeFile._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(PendingUpload._meta.get_field("file"), "storage", storage)
    from django.core.files.storage import storages

    storages._storages.pop("poe", None)
    yield
    storages._storages.pop("poe", None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached values (e.g. a partner's status strip) must not leak from one test into the next,
    nor an open breaker (lib.breaker: the cache's, the broker's) from a test that broke one."""
    from django.core.cache import cache

    from lib.breaker import reset_all

    reset_all()
    cache.clear()
    yield
    reset_all()
    cache.clear()


@pytest.fixture(autouse=True)
def _review_groups(request):
    """The reviewer groups come from a data migration; a transactional test flushes them, so
    recreate them for every test that touches the database."""
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from django.contrib.auth.models import Group

    from accounts.roles import REVIEW_LEADS_GROUP, REVIEWERS_GROUP

    for name in (REVIEWERS_GROUP, REVIEW_LEADS_GROUP):
        Group.objects.get_or_create(name=name)


@pytest.fixture
def contoso(db):
    return PartnerFactory(name="Contoso")


@pytest.fixture
def fabrikam(db):
    return PartnerFactory(name="Fabrikam")


@pytest.fixture
def contoso_mpn(contoso):
    return MpnFactory(partner=contoso, number="1000001", location="Stockholm", incentive_enrolled=True)


@pytest.fixture
def fabrikam_mpn(fabrikam):
    return MpnFactory(partner=fabrikam, number="2000001", location="Oslo", incentive_enrolled=True)


@pytest.fixture
def contoso_admin(contoso):
    return member(contoso, "contoso.admin", Role.INCENTIVES_ADMIN)


@pytest.fixture
def contoso_viewer(contoso):
    return member(contoso, "contoso.viewer", Role.INCENTIVES_USER)


@pytest.fixture
def fabrikam_admin(fabrikam):
    return member(fabrikam, "fabrikam.admin", Role.INCENTIVES_ADMIN)


@pytest.fixture
def reviewer1(db):
    return reviewer("reviewer1")


@pytest.fixture
def reviewer2(db):
    return reviewer("reviewer2")


@pytest.fixture
def lead(db):
    return reviewer("lead", lead=True)


@pytest.fixture
def superuser(db):
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    return user


@pytest.fixture
def dynamics_sales(db):
    return ProductFactory(code="d365-sales", name="Dynamics 365 Sales")


@pytest.fixture
def subscription(dynamics_sales):
    return SubscriptionFactory(products=[dynamics_sales])


@pytest.fixture
def draft(contoso_mpn, contoso_admin, subscription, dynamics_sales):
    """A complete Contoso draft for BA presales on a valid subscription, with one PoE file."""
    claim = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=subscription, products=[dynamics_sales])
    from claims.services import poe_attach

    poe_attach(
        claim=claim,
        user=contoso_admin,
        name="poe.pdf",
        file=ContentFile(b"%PDF-1.4\n%test\n"),
        content_type="application/pdf",
    )
    claim.refresh_from_db()
    return claim


@pytest.fixture
def contested(contoso_mpn, contoso_admin, fabrikam_mpn, fabrikam_admin, reviewer1, subscription, dynamics_sales):
    """An open arbitration case: Contoso's approved claim (the incumbent) and Fabrikam's
    competing one, as ``(case, incumbent, challenger)``."""
    return contested_case(
        contoso=(contoso_mpn, contoso_admin),
        fabrikam=(fabrikam_mpn, fabrikam_admin),
        reviewer=reviewer1,
        sub=subscription,
        products=[dynamics_sales],
    )


@pytest.fixture
def csrf_client():
    """A client that enforces CSRF checks, as a browser would meet them."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def redis_url():
    return needs_service("REDIS_URL", "a real Redis server")


@pytest.fixture
def postgres_required():
    from django.db import connection

    needs_service("DATABASE_URL", "a real PostgreSQL server")
    if connection.vendor != "postgresql":
        pytest.fail("DATABASE_URL is set but the test database is not PostgreSQL")
