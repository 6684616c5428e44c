"""The client's address, as the login lockout (django-axes) and the rate limits count it.

``REMOTE_ADDR`` is the peer that opened the connection. Behind a reverse proxy that is the
proxy, for everybody: then the per-address limits would count all users as one, and any one
user could lock the login for all. So when ``REMOTE_ADDR`` is one of ``settings.TRUSTED_PROXIES``
(addresses or CIDR networks, from the ``TRUSTED_PROXIES`` environment variable), the address
is read from ``X-Forwarded-For``: from the right, skipping every trusted proxy, the first
address that is not one of ours. Everything to the left of it was written by the client
and is ignored, so a client cannot choose its own address. A request from any other peer is
counted by ``REMOTE_ADDR`` alone, and an ``X-Forwarded-For`` it sends is ignored.

A proxy that talks to gunicorn over a unix socket has no address (``REMOTE_ADDR`` is empty):
``unix`` in ``TRUSTED_PROXIES`` trusts such a peer (only local processes can open the socket).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


UNIX = "unix"  # in TRUSTED_PROXIES: a peer on a unix socket (no REMOTE_ADDR) is our proxy


def parse_networks(values) -> tuple[Network, ...]:
    """``values`` (addresses or CIDR networks, e.g. ``["10.0.0.0/8", "::1"]``, and perhaps
    ``unix``) as networks; ``ImproperlyConfigured`` naming the first one that is none of these,
    so a typo in ``TRUSTED_PROXIES`` stops the process at start instead of trusting nothing (or
    too much)."""
    networks = []
    for value in values:
        if str(value).strip().lower() == UNIX:
            continue
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {value!r} is not an IP address or CIDR network (e.g. 10.0.0.0/8)"
            ) from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def parse_address(value: str) -> Address | None:
    """One address as a proxy or ``REMOTE_ADDR`` writes it: ``1.2.3.4``, ``1.2.3.4:5678``,
    ``2001:db8::1``, ``[2001:db8::1]:443``; an IPv4-mapped IPv6 address as its IPv4 form.
    None for anything else (``unknown``, an obfuscated node name, garbage)."""
    text = (value or "").strip().strip('"')
    if text.startswith("["):  # [v6]:port
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # v4:port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text.partition("%")[0])  # drop a v6 zone id
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request) -> str:
    """The address of the client behind ``request``, as a string ("" when there is none to
    tell: no or no valid ``REMOTE_ADDR``). Also ``AXES_CLIENT_IP_CALLABLE``."""
    configured = tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    networks = _networks(configured)
    remote = parse_address(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        # A unix-socket peer (or a server that gave nothing usable): trusted only if configured.
        if not any(str(value).strip().lower() == UNIX for value in configured):
            return ""
    elif not networks or not _is_trusted(remote, networks):
        return str(remote)
    # From a trusted proxy: walk X-Forwarded-For from the right. Each entry was written by the
    # hop to its right, so it is believable only while that hop is one of our proxies.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    nearest = remote
    for entry in reversed(forwarded.split(",")) if forwarded.strip() else ():
        hop = parse_address(entry)
        if hop is None:
            # A trusted proxy wrote something that is no address ("unknown"): the client
            # cannot be told apart from that proxy, so count it as the proxy.
            break
        if not _is_trusted(hop, networks):
            return str(hop)
        nearest = hop
    return "" if nearest is None else str(nearest)  # only proxies (a health check from one, say)


def axes_client_ip(request) -> str | None:
    """``client_ip`` for django-axes (``AXES_CLIENT_IP_CALLABLE``): None rather than "" when
    there is no address, so axes stores NULL and counts such requests together (on PostgreSQL
    "" is stored as NULL but looked up as ``= NULL``, which would never match: no lockout)."""
    return client_ip(request) or None
