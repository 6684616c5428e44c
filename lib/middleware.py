"""Response headers that Django's SecurityMiddleware does not set."""

from django.conf import settings
from django.utils.cache import patch_cache_control

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
