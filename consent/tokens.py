"""The consent link's token: 256 bits derived from a row's random salt and the server's secret.

The row stores the salt and the token's SHA-256, never the token: a copy of the database alone
cannot open a link, and the e-mail task can still put the token in the e-mail it sends after
the commit (the token would otherwise have to travel through the broker). A visit is looked up
by the hash of what it brings. Rotating ``DJANGO_SECRET_KEY`` makes every link sent before it
invalid (a reviewer sends a new one).
"""

import base64
import hashlib
import re
import secrets

from django.utils.crypto import salted_hmac

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 bytes, URL-safe base64 without padding
KEY_SALT = "cpor.consent.link"


def new_salt() -> str:
    return secrets.token_urlsafe(16)


def link_token(salt: str) -> str:
    """The token of the link whose row has ``salt``."""
    digest = salted_hmac(KEY_SALT, salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def well_formed(token: str) -> bool:
    """Shaped like a token (anything else is not looked up at all)."""
    return bool(TOKEN_RE.fullmatch(token or ""))
