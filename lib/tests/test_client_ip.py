"""The client's address: REMOTE_ADDR, or X-Forwarded-For read from the right only when the
request comes from a trusted proxy (lib/client_ip.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from lib.client_ip import axes_client_ip, client_ip, parse_address, parse_networks

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.1"


def _request(remote="203.0.113.5", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"
    assert client_ip(_request(PROXY, "198.51.100.1")) == PROXY


def test_a_header_from_an_untrusted_peer_is_ignored(behind_proxy):
    # a client talking to the portal directly cannot choose its address
    assert client_ip(_request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"
    assert client_ip(_request("203.0.113.5", "10.0.0.7")) == "203.0.113.5"


def test_from_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(behind_proxy):
    assert client_ip(_request(PROXY, "198.51.100.1")) == "198.51.100.1"
    # what the client wrote itself (left of the address our proxy saw) does not count
    assert client_ip(_request(PROXY, "192.0.2.66, 198.51.100.1")) == "198.51.100.1"
    # several proxies of ours in a row are skipped
    assert client_ip(_request(PROXY, "192.0.2.66, 198.51.100.1, 10.1.2.3, 10.0.0.2")) == "198.51.100.1"


def test_addresses_as_proxies_write_them(behind_proxy):
    assert client_ip(_request(PROXY, "198.51.100.1:51234")) == "198.51.100.1"
    assert client_ip(_request(PROXY, "[2001:db8::7]:443")) == "2001:db8::7"
    assert client_ip(_request(PROXY, "2001:db8::7")) == "2001:db8::7"
    assert client_ip(_request(PROXY, "::ffff:198.51.100.1")) == "198.51.100.1"
    assert client_ip(_request("fd00::1", " 198.51.100.1 ")) == "198.51.100.1"
    assert client_ip(_request("::ffff:10.0.0.1", "198.51.100.1")) == "198.51.100.1"


def test_no_header_or_only_proxies_is_the_proxy(behind_proxy):
    assert client_ip(_request(PROXY)) == PROXY
    assert client_ip(_request(PROXY, "")) == PROXY
    assert client_ip(_request(PROXY, "10.0.0.9, 10.0.0.2")) == "10.0.0.9"


def test_a_garbage_entry_counts_as_the_proxy_that_wrote_it(behind_proxy):
    assert client_ip(_request(PROXY, "198.51.100.1, unknown")) == PROXY
    assert client_ip(_request(PROXY, "198.51.100.1, not-an-ip, 10.0.0.2")) == "10.0.0.2"
    assert client_ip(_request(PROXY, "<script>")) == PROXY


def test_a_missing_or_odd_remote_addr(behind_proxy):
    assert client_ip(_request("")) == ""
    assert client_ip(_request("", "198.51.100.1")) == ""  # no peer to trust: the header is ignored
    assert client_ip(_request("not-an-address", "198.51.100.1")) == ""
    # axes gets None, so it stores NULL and still counts these together
    assert axes_client_ip(_request("")) is None
    assert axes_client_ip(_request("203.0.113.5")) == "203.0.113.5"


def test_a_proxy_on_a_unix_socket(settings):
    """nginx → gunicorn over a unix socket: no REMOTE_ADDR; ``unix`` trusts that peer."""
    settings.TRUSTED_PROXIES = ["unix", "10.0.0.0/8"]
    assert client_ip(_request("", "192.0.2.66, 198.51.100.1")) == "198.51.100.1"
    assert client_ip(_request("", "198.51.100.1, 10.0.0.2")) == "198.51.100.1"
    assert client_ip(_request("", "10.0.0.2")) == "10.0.0.2"
    assert client_ip(_request("")) == ""
    assert client_ip(_request("", "unknown")) == ""
    assert client_ip(_request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"  # TCP peers as before


def test_parse_address():
    assert str(parse_address("1.2.3.4:80")) == "1.2.3.4"
    assert str(parse_address('"[::1]:80"')) == "::1"
    assert str(parse_address("fe80::1%eth0")) == "fe80::1"
    assert parse_address("unknown") is None
    assert parse_address("") is None
    assert parse_address("1.2.3.4:80:90") is None


def test_parse_networks_refuses_a_typo():
    assert [str(n) for n in parse_networks(["10.0.0.0/8", "192.168.1.10", "::1"])] == [
        "10.0.0.0/8",
        "192.168.1.10/32",
        "::1/128",
    ]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        parse_networks(["10.0.0.0/33"])
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        parse_networks(["proxy.internal"])
    assert parse_networks(["UNIX", "::1"]) == parse_networks(["::1"])  # the unix-socket peer


def _production_settings(**env) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "BEHIND_", "TRUSTED_"))
    }
    environment.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="portal.example",
        **env,
    )
    code = "import cpor_portal.settings as s; print(s.TRUSTED_PROXIES, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_behind_a_tls_proxy_production_needs_trusted_proxies():
    """BEHIND_TLS_PROXY without TRUSTED_PROXIES would give every client the proxy's address:
    the process refuses to start, saying what to set."""
    refused = _production_settings(BEHIND_TLS_PROXY="1")
    assert refused.returncode != 0
    assert "TRUSTED_PROXIES" in refused.stderr
    started = _production_settings(BEHIND_TLS_PROXY="1", TRUSTED_PROXIES="10.0.0.0/8, 127.0.0.1")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "['10.0.0.0/8', '127.0.0.1'] ('HTTP_X_FORWARDED_PROTO', 'https')"
    typo = _production_settings(TRUSTED_PROXIES="10.0.0.0/33")
    assert typo.returncode != 0 and "TRUSTED_PROXIES" in typo.stderr
