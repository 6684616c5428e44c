"""Response headers that Django's SecurityMiddleware does not set, and the portal's own error
pages under DEBUG."""

import logging

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.handlers.exception import get_exception_response
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, get_resolver, get_urlconf, resolve
from django.utils.cache import patch_cache_control
from django.utils.log import log_response

# Scripts only from our own origin: no inline script, no eval. htmx is configured
# (meta htmx-config in base.html) not to inject inline styles or evaluate attributes.
DEFAULT_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class PrivatePagesMiddleware:
    """Signed-in pages are for their reader only: ``Cache-Control: private, no-store``, so no
    shared cache (a proxy, the browser's back-forward store on a shared computer) keeps a
    partner's claims or a reviewer's queue. A response that set its own Cache-Control keeps it.
    After the authentication middleware, so ``request.user`` is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


# Exceptions whose page DEBUG does not change: handler403 and handler400 render them either way.
SAME_UNDER_DEBUG = (PermissionDenied, MultiPartParserError)


class PortalErrorPagesMiddleware:
    """Under DEBUG (``make run``) a missing page, a bad request or a crash still gets the
    portal's own 404, 400 or 500 page, as in production: the 404 and 400 in the portal's layout
    with its navigation, the 500 the static page that needs no database (``lib.errors``).
    Django's technical pages (URL patterns, traceback, settings) only with
    ``DEBUG_TECHNICAL_PAGES=1``. Each is logged as Django logs it (a 500 with its traceback on
    ``django.request``, a suspicious request on ``django.security.*``: on the console), and a
    500 still sends ``got_request_exception``.

    It covers a path that no URL pattern matches, and what a view raises or its template
    response raises while rendering (``Http404``, ``BadRequest``, ``SuspiciousOperation``,
    anything else). What a middleware raises itself (say, the CSRF check reading a body with
    too many fields) still gets Django's technical page. Without DEBUG, or with
    DEBUG_TECHNICAL_PAGES, it does nothing. Last in MIDDLEWARE: after authentication (the pages
    show the signed-in user's navigation) and after CommonMiddleware (which turns a 404 into
    its APPEND_SLASH redirect).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def active() -> bool:
        return settings.DEBUG and not getattr(settings, "DEBUG_TECHNICAL_PAGES", False)

    def __call__(self, request):
        if self.active():
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return self.error_page(request, 404, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not self.active() or isinstance(exception, SAME_UNDER_DEBUG):
            return None
        if isinstance(exception, Http404):
            return self.error_page(request, 404, exception)
        if isinstance(exception, SuspiciousOperation):
            response = self.error_page(request, 400, exception)
            security = logging.getLogger(f"django.security.{exception.__class__.__name__}")
            log_response(
                str(exception), exception=exception, request=request, response=response, level="error", logger=security
            )
            return response
        if isinstance(exception, BadRequest):
            response = self.error_page(request, 400, exception)
            log_response(
                "%s: %s", str(exception), request.path, response=response, request=request, exception=exception
            )
            return response
        signals.got_request_exception.send(sender=None, request=request)
        response = get_resolver(get_urlconf()).resolve_error_handler(500)(request)
        log_response(
            "%s: %s", response.reason_phrase, request.path, response=response, request=request, exception=exception
        )
        return response

    @staticmethod
    def error_page(request, status: int, exception):
        """The URLconf's handler404/handler400 (``lib.errors``), as Django calls it without DEBUG."""
        return get_exception_response(request, get_resolver(get_urlconf()), status, exception)
