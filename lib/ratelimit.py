"""Rate limits shared by every worker: how often one user may post a comment, upload PoE,
create a draft or run a live check (docs/security.md, "Rate limits").

A fixed-window counter in Django's cache, which is Redis in production (``REDIS_CACHE_URL``),
so all gunicorn workers and hosts count together; without Redis (``make run``) it is the
process's memory. Each scope has ``settings.RATE_LIMITS[scope] = (requests, seconds)``; the
window is ``seconds`` long and aligned to the clock, and a request is counted with the
cache's atomic ``add`` (the window's first) or ``incr`` (any other). The one who is counted is
the signed-in user (by id), or the client's address (``lib.client_ip``) for an anonymous one.

A request over the limit does nothing and gets HTTP 429 with ``Retry-After`` (the seconds until
the window ends): a page that says nothing was saved and how long to wait, an HTMX request a
notice beside its form, a live check its "unavailable for a moment" state.

The limits protect; they must never break the portal: when the cache is unreachable a request
is let through (and the failure logged), as everywhere else the cache is only an optimisation.
"""

import logging
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache as default_cache
from django.shortcuts import render

from lib.cache import cache_available, cache_failed
from lib.client_ip import client_ip

log = logging.getLogger(__name__)

# The free-text fields of the portal's forms: a refused POST repeats what was typed in them on
# the 429 page, so nothing is lost even where the browser does not restore the form.
TEXT_FIELDS = ("body", "message", "description", "justification", "reason")


def limit_for(scope: str) -> tuple[int, int]:
    """``(requests, seconds)`` of ``scope``; a ``KeyError`` for a scope with no limit set, so a
    typo in a decorator fails in the first test that reaches it."""
    requests, seconds = settings.RATE_LIMITS[scope]
    return int(requests), int(seconds)


def identity(request) -> str:
    """Who is counted: the signed-in user, else the client's address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def hit(scope: str, who: str, *, cache=None, now: float | None = None) -> int | None:
    """Count one request of ``who`` in ``scope``. None when it is within the limit, else the
    seconds until the current window ends (for ``Retry-After``; at least 1)."""
    requests, seconds = limit_for(scope)
    cache = default_cache if cache is None else cache
    now = time.time() if now is None else now
    window = int(now // seconds)
    key = f"ratelimit:{scope}:{who}:{window}"
    if not cache_available():  # the breaker is open (lib.cache): let the request through at once
        return None
    try:
        if cache.add(key, 1, timeout=seconds):
            used = 1
        else:
            try:
                used = cache.incr(key)
            except ValueError:  # the key expired between add and incr: this is the first again
                used = 1 if cache.add(key, 1, timeout=seconds) else cache.incr(key)
            if used == 1:  # Redis's INCR re-created an expired key without a timeout
                cache.touch(key, timeout=seconds)
    except Exception as exc:  # redis.ConnectionError, timeouts, …: never refuse because the cache is away
        cache_failed(f"rate limit {scope} not counted", exc)
        return None
    if used <= requests:
        return None
    return max(1, math.ceil((window + 1) * seconds - now))


def has_files(field: str):
    """A ``when`` for ``rate_limited``: the request carries at least one file in ``field``."""

    def check(request) -> bool:
        return bool(request.FILES.getlist(field))

    return check


def rate_limited(scope: str, *, methods=None, when=None, fragment: str = "notice"):
    """Limit a view by ``settings.RATE_LIMITS[scope]``. Put it right above the ``def``, below
    ``login_required`` and the method decorators, so that only requests the view would serve
    are counted. ``methods`` (e.g. ``("POST",)``) and ``when(request)`` narrow which requests
    count; the others pass uncounted. ``fragment`` is what an HTMX request gets over the limit:
    ``"notice"`` (a notice added to the form that sent it) or ``"check"`` (a live check's
    "unavailable for a moment" state, in the check's own place)."""
    if fragment not in ("notice", "check"):
        raise ValueError(f"rate_limited: unknown fragment {fragment!r}")
    limit_for(scope)  # a scope with no limit fails at import, not at the first request

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if (methods is None or request.method in methods) and (when is None or when(request)):
                wait = hit(scope, identity(request))
                if wait is not None:
                    return too_many_requests(request, scope, wait, fragment=fragment)
            return view(request, *args, **kwargs)

        return limited

    return decorator


def too_many_requests(request, scope: str, wait: int, *, fragment: str = "notice"):
    """The 429 answer: ``templates/429.html`` (or one of its partials for HTMX) with
    ``Retry-After``. Nothing was done, and the page says so."""
    log.info("rate limit %s reached by %s; retry in %ds", scope, identity(request), wait)
    htmx = bool(getattr(request, "htmx", False))
    context = {
        "scope": scope,
        "wait_seconds": wait,
        "wait_minutes": math.ceil(wait / 60),
        "typed": _typed_text(request),
    }
    if htmx and fragment == "check":
        response = render(request, "429.html#check", context, status=429)
    elif htmx:
        response = render(request, "429.html#notice", context, status=429)
        # Add the notice to the form that sent the request; the form keeps what was typed.
        response["HX-Retarget"] = "this"
        response["HX-Reswap"] = "beforeend"
    else:
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _typed_text(request) -> list[str]:
    if request.method != "POST":
        return []
    return [value for name in TEXT_FIELDS for value in request.POST.getlist(name) if value.strip()]
