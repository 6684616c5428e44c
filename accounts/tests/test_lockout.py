"""Login protection through the real login view (accounts/lockout.py, docs/security.md):
per username at an address (5), per username across addresses (10), per address across
usernames (20), with the client's address read only from a trusted proxy."""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.tests.factories import UserFactory

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.66"
VICTIM_HOME = "198.51.100.7"


@pytest.fixture(autouse=True)
def _quiet(caplog):
    """A 429 is the point here: keep Django's request log and axes' warnings quiet."""
    for name in ("django.request", "axes"):
        logging.getLogger(name).setLevel(logging.ERROR)
    yield
    for name in ("django.request", "axes"):
        logging.getLogger(name).setLevel(logging.NOTSET)


@pytest.fixture
def victim(db):
    return UserFactory(username="victim")  # password "pw"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


def sign_in(username, password, *, remote=PROXY, forwarded=None, client=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    client = client or Client()
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def locked(response) -> bool:
    if response.status_code != 429:
        return False
    html = response.content.decode()
    # the lockout page as before: a clear message, nothing about whether the account exists
    assert "Too many sign-in attempts" in html and "locked for 15 minutes" in html
    return True


def test_the_limits(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_USERNAME_FAILURE_LIMIT == 10
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    assert settings.AXES_CLIENT_IP_CALLABLE == "lib.client_ip.axes_client_ip"


# --- acceptance: someone else's five tries do not lock the owner out ---------------------------


def test_five_wrong_passwords_from_elsewhere_behind_the_proxy_do_not_lock_the_victim(victim, behind_proxy):
    for attempt in range(1, 6):
        response = sign_in("victim", f"guess{attempt}", forwarded=ATTACKER)
        assert locked(response) == (attempt == 5)
    assert locked(sign_in("victim", "pw", forwarded=ATTACKER))  # the attacker's address is locked
    # the victim, through the same proxy from their own address, signs in
    response = sign_in("victim", "pw", forwarded=VICTIM_HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_without_the_trusted_proxy_setting_everyone_behind_the_proxy_is_one_address(victim, settings):
    """Why TRUSTED_PROXIES matters: without it the proxy's address is everyone's, so the
    attacker's five tries lock the victim too (and X-Forwarded-For is not believed)."""
    settings.TRUSTED_PROXIES = []
    for attempt in range(5):
        sign_in("victim", f"guess{attempt}", forwarded=ATTACKER)
    assert locked(sign_in("victim", "pw", forwarded=VICTIM_HOME))


def test_an_untrusted_x_forwarded_for_is_ignored(victim, behind_proxy):
    """A client that talks to the portal directly cannot pick its address: not to escape its
    lockout by naming a new one each time, nor to lock the victim by naming theirs."""
    for attempt in range(5):
        sign_in("victim", f"guess{attempt}", remote=ATTACKER, forwarded=f"{VICTIM_HOME}, 10.0.0.{attempt + 2}")
    assert locked(sign_in("victim", "pw", remote=ATTACKER, forwarded="192.0.2.1"))
    assert sign_in("victim", "pw", remote=VICTIM_HOME).status_code == 302


# --- acceptance: spraying from one address is stopped --------------------------------------------


@pytest.fixture
def accounts(db):
    return [UserFactory(username=f"employee{n:02d}").username for n in range(50)]


def test_spraying_four_passwords_over_fifty_accounts_locks_the_address(accounts, settings, behind_proxy):
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    outcomes = []
    for password in ("Summer2025!", "Welcome1", "Password123", "Company2025"):
        for username in accounts:
            outcomes.append(locked(sign_in(username, password, forwarded=ATTACKER)))
    # the first failures are answered as wrong passwords; from the limit-th on, every attempt
    # (on usernames the address never tried before, too) gets the lockout page
    assert outcomes.index(True) == limit - 1
    assert all(outcomes[limit - 1 :])
    assert locked(sign_in("employee49", "pw", forwarded=ATTACKER))
    # the rest of the company, behind the same proxy, still signs in
    assert sign_in("employee49", "pw", forwarded=VICTIM_HOME).status_code == 302
    assert sign_in("employee00", "pw", forwarded="192.0.2.10").status_code == 302


def test_spraying_directly_is_locked_by_remote_addr_whatever_the_header(accounts, settings):
    settings.TRUSTED_PROXIES = []
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    for n, username in enumerate(accounts[:limit]):
        sign_in(username, "Welcome1", remote=ATTACKER, forwarded=f"192.0.2.{n}")
    assert locked(sign_in(accounts[-1], "Welcome1", remote=ATTACKER, forwarded="192.0.2.200"))


def test_a_sprayer_cannot_start_again_by_signing_in_to_their_own_account(accounts, settings, behind_proxy):
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    own = UserFactory(username="sprayer")
    for username in accounts[: limit - 1]:
        assert not locked(sign_in(username, "Welcome1", forwarded=ATTACKER))
    assert sign_in(own.username, "pw", forwarded=ATTACKER).status_code == 302
    assert locked(sign_in(accounts[limit], "Welcome1", forwarded=ATTACKER))


# --- the username across addresses -----------------------------------------------------------------


def test_ten_failures_from_many_addresses_lock_the_username_everywhere(victim, settings, behind_proxy):
    limit = settings.AXES_USERNAME_FAILURE_LIMIT
    for n in range(limit):
        response = sign_in("victim", "guess", forwarded=f"192.0.2.{n // 2}")  # two tries per address
        assert locked(response) == (n == limit - 1)
    assert locked(sign_in("victim", "pw", forwarded=VICTIM_HOME))
    # other accounts are not affected
    UserFactory(username="colleague")
    assert sign_in("colleague", "pw", forwarded="192.0.2.1").status_code == 302


def test_a_sign_in_forgets_only_its_own_failures(victim, behind_proxy):
    """The owner's success resets their count at their address; what was tried on the
    username from elsewhere still counts towards the username's limit."""
    for _n in range(5):
        sign_in("victim", "guess", forwarded=ATTACKER)
    for _n in range(4):
        assert not locked(sign_in("victim", "typo", forwarded=VICTIM_HOME))
    client = Client()
    assert sign_in("victim", "pw", forwarded=VICTIM_HOME, client=client).status_code == 302
    client.post(reverse("logout"), REMOTE_ADDR=PROXY)
    # 5 from the attacker remain: 4 from another address, then one more from a third, make 10
    for _n in range(4):
        assert not locked(sign_in("victim", "guess", forwarded="192.0.2.20"))
    assert locked(sign_in("victim", "guess", forwarded="192.0.2.21"))
    assert locked(sign_in("victim", "pw", forwarded=VICTIM_HOME))


def test_the_lockout_ends_after_the_cool_off(victim, settings, behind_proxy):
    for n in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        sign_in("victim", "guess", forwarded=f"192.0.2.{n}")
    assert locked(sign_in("victim", "pw", forwarded=VICTIM_HOME))
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    )
    assert sign_in("victim", "pw", forwarded=VICTIM_HOME).status_code == 302


def test_requests_without_an_address_are_still_locked_out(victim, settings):
    """No usable REMOTE_ADDR (a unix socket with no ``unix`` in TRUSTED_PROXIES): the address
    is unknown, stored as NULL, and the failures still count (on PostgreSQL an empty string
    would be looked up as ``= NULL`` and never match)."""
    settings.TRUSTED_PROXIES = []
    for _n in range(settings.AXES_FAILURE_LIMIT):
        sign_in("victim", "guess", remote="")
    assert locked(sign_in("victim", "pw", remote=""))
    assert AccessAttempt.objects.filter(ip_address__isnull=True).exists()
