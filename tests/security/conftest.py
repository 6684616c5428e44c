"""The hardening suites' shared world: three partner companies with claims, PoE, comments and
notifications, a competing pair in an open arbitration case, and every actor of the matrix.

Objects are named from Contoso's side, as in the access matrix: ``own`` is Contoso's,
``competitor`` Fabrikam's (competing with Contoso's for the same customer and product), and
``other_tenant`` Litware's (an unrelated company on its own customer).
"""

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from arbitration.models import ArbitrationCase, CaseStatus
from claims import services
from claims.models import Claim, PendingUpload, PoeFile
from claims.tests.factories import ClaimFactory, MpnFactory, PartnerFactory, SubscriptionFactory, member
from notifications.models import Notification
from partners.models import Role
from tests.helpers import login

PDF = b"%PDF-1.4\n%security suite\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)

ACTORS = ("anonymous", "contoso.admin", "contoso.viewer", "fabrikam.admin", "reviewer", "lead", "superuser")
OWNERS = {"own": "contoso", "competitor": "fabrikam", "other_tenant": "litware"}


@dataclass
class Company:
    partner: object
    mpn: object
    admin: object
    claim: Claim  # submitted, with one PoE file and one partner comment
    poe: PoeFile
    comment: object
    closed: Claim  # withdrawn: what "reclaim" starts from
    notification: Notification  # the company admin's


@dataclass
class World:
    companies: dict  # "contoso" | "fabrikam" | "litware" → Company
    users: dict  # actor name → User (no "anonymous")
    case: ArbitrationCase  # Contoso's and Fabrikam's claims compete in it
    extra: dict = field(default_factory=dict)

    def by_object(self, obj: str) -> Company:
        return self.companies[OWNERS[obj]]


def _file_claim(mpn, user, *, sub, products, submit=True, **fields) -> Claim:
    claim = ClaimFactory(mpn=mpn, created_by=user, sub=sub, products=products, **fields)
    services.poe_attach(claim=claim, user=user, name="poe.pdf", file=ContentFile(PDF), content_type="application/pdf")
    claim.refresh_from_db()
    if submit:
        claim, _warnings = services.claim_submit(claim=claim, user=user)
    return claim


def _company(partner, mpn, admin, *, sub, products, claim=None) -> Company:
    if claim is None:
        claim = _file_claim(mpn, admin, sub=sub, products=products)
    comment = services.comment_add(claim=claim, user=admin, body=f"A comment from {partner.name}.")
    closed = ClaimFactory(mpn=mpn, created_by=admin, sub=SubscriptionFactory(products=products), products=products)
    services.claim_withdraw(claim=closed, user=admin)
    notification = Notification.objects.create(recipient=admin, claim=claim, kind="comment")
    claim.refresh_from_db()
    return Company(
        partner=partner,
        mpn=mpn,
        admin=admin,
        claim=claim,
        poe=claim.poe_files.get(),
        comment=comment,
        closed=closed,
        notification=notification,
    )


@pytest.fixture(autouse=True)
def poe_dir(tmp_path, monkeypatch):
    """Where PoE files go in these suites: a fresh directory per test. The model field took
    its storage when the models were imported, so the root conftest's settings override does
    not reach it; the field's storage is replaced here, so "no file left" can be checked."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    location = tmp_path / "poe-files"
    storage = import_string(settings.STORAGES["poe"]["BACKEND"])(location=str(location))
    monkeypatch.setattr(PoeFile._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(PendingUpload._meta.get_field("file"), "storage", storage)
    return location


def stored_files(location) -> list:
    return sorted(p for p in location.rglob("*") if p.is_file()) if location.exists() else []


@pytest.fixture
def litware(db):
    return PartnerFactory(name="Litware")


@pytest.fixture
def litware_mpn(litware):
    return MpnFactory(partner=litware, number="3000001", location="Helsinki", incentive_enrolled=True)


@pytest.fixture
def litware_admin(litware):
    return member(litware, "litware.admin", Role.INCENTIVES_ADMIN)


@pytest.fixture
def world(
    draft,
    contoso,
    contoso_mpn,
    contoso_admin,
    contoso_viewer,
    fabrikam,
    fabrikam_mpn,
    fabrikam_admin,
    litware,
    litware_mpn,
    litware_admin,
    reviewer1,
    lead,
    superuser,
    subscription,
    dynamics_sales,
) -> World:
    products = [dynamics_sales]
    contoso_claim, _warnings = services.claim_submit(claim=draft, user=contoso_admin)
    # Fabrikam files for the same customer subscription and product: the two compete.
    fabrikam_claim = _file_claim(fabrikam_mpn, fabrikam_admin, sub=subscription, products=products)
    case = ArbitrationCase.objects.get(association_key=fabrikam_claim.association_key, status=CaseStatus.OPEN)
    litware_claim = _file_claim(
        litware_mpn, litware_admin, sub=SubscriptionFactory(products=products), products=products
    )
    companies = {
        "contoso": _company(
            contoso, contoso_mpn, contoso_admin, sub=subscription, products=products, claim=contoso_claim
        ),
        "fabrikam": _company(
            fabrikam, fabrikam_mpn, fabrikam_admin, sub=subscription, products=products, claim=fabrikam_claim
        ),
        "litware": _company(litware, litware_mpn, litware_admin, sub=None, products=products, claim=litware_claim),
    }
    users = {
        "contoso.admin": contoso_admin,
        "contoso.viewer": contoso_viewer,
        "fabrikam.admin": fabrikam_admin,
        "reviewer": reviewer1,
        "lead": lead,
        "superuser": superuser,
    }
    case.refresh_from_db()
    return World(companies=companies, users=users, case=case)


@pytest.fixture
def admin_rows(world):
    """One row of each model that the world does not make, so every admin change view opens."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import timezone

    from notifications.models import JobRun, SweepMark

    now = timezone.now()
    who = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "contoso.admin", "http_accept": "*/*"}
    AccessAttempt.objects.create(
        **who, path_info="/accounts/login/", attempt_time=now, get_data="", post_data="", failures_since_start=1
    )
    AccessLog.objects.create(**who, path_info="/accounts/login/", attempt_time=now)
    AccessFailureLog.objects.create(**who, path_info="/accounts/login/", attempt_time=now)
    JobRun.objects.create(name="sla_sweep", last_success_at=now)
    SweepMark.objects.create(key="security:mark", claim=world.companies["contoso"].claim)
    contoso = world.companies["contoso"]
    PendingUpload.objects.create(
        user=contoso.admin,
        partner=contoso.partner,
        form_key="0" * 32,
        file="pending/security.pdf",
        name="kept.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        expires_at=now,
    )


def client_for(actor: str, world: World, **kwargs) -> Client:
    client = Client(**kwargs)
    if actor != "anonymous":
        login(client, world.users[actor])
    return client


def htmx(**extra):
    return {"HTTP_HX_REQUEST": "true", **extra}


@pytest.fixture
def quiet_request_log():
    """4xx responses are the point of these suites: keep Django from logging (and formatting a
    traceback for) each expected 403/404/405. Errors (500) are still logged."""
    import logging

    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    saved = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    yield
    for logger, level in zip(loggers, saved, strict=True):
        logger.setLevel(level)


# --- what the suites tried (printed at the end of the run) --------------------------------------

_TALLY: dict[str, int] = {}


def tally(what: str, n: int) -> None:
    """Count hostile inputs (or checks) tried, by kind; the totals end the test report."""
    _TALLY[what] = _TALLY.get(what, 0) + n


def pytest_terminal_summary(terminalreporter):
    if not _TALLY:
        return
    terminalreporter.write_sep("-", "security suite")
    for what, n in sorted(_TALLY.items()):
        terminalreporter.write_line(f"{what}: {n}")
    hostile = sum(n for what, n in _TALLY.items() if not what.startswith("access"))
    terminalreporter.write_line(f"hostile inputs tried in all: {hostile}")
