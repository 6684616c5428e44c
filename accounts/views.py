import hmac
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lib import metrics
from notifications.models import JobRun

log = logging.getLogger(__name__)


@login_required
def home(request):
    """Send each role to its work: reviewers to the queue, partners to their claims."""
    user = request.user
    if user.is_reviewer:
        return redirect("review:queue")
    if user.partner_membership is not None:
        return redirect("claims:list")
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "accounts/no_role.html", status=403)


def _local_path(url: str) -> bool:
    """A path on this site, as the language switch posts it (the page's own path and query):
    starts with "/", at most 2000 characters, no control characters."""
    return url.startswith("/") and len(url) <= 2000 and not any(ord(c) < 32 or ord(c) == 127 for c in url)


def _safe_next(request) -> str:
    """Where a header form returns to: its posted ``next`` when that is a path on this site, else
    "/". (Used with HttpResponseRedirect, not redirect(): that would read a word such as "ж" or
    "2" as a URL name to reverse, a 500.)"""
    next_url = request.POST.get("next") or "/"
    if not _local_path(next_url) or not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return next_url


@require_POST
def set_language(request):
    """Switch the UI language; a signed-in user's choice is saved (and used for e-mail)."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request))
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated and request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


@login_required
@require_POST
def keyboard_shortcuts(request):
    """Turn the review queue's single-key shortcuts on (``enabled=1``) or off (``enabled=0``) for
    the signed-in user, then back to ``next`` (a path on this site, else the home page). The
    value is explicit, not a toggle, so a form sent twice says the same; any other value changes
    nothing."""
    enabled = request.POST.get("enabled")
    next_url = _safe_next(request)
    if enabled in ("0", "1"):
        user = request.user
        wanted = enabled == "1"
        if user.queue_shortcuts != wanted:
            user.queue_shortcuts = wanted
            user.save(update_fields=["queue_shortcuts"])
        messages.success(request, _("Keyboard shortcuts turned on.") if wanted else _("Keyboard shortcuts turned off."))
    return HttpResponseRedirect(next_url)


@never_cache
@require_GET
def healthz(request):
    """Whether the database and (when configured) the broker answer, and the age of the last
    successful SLA sweep. 200 when all answer, 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not reachable"
        log.warning("healthz: database unreachable: %s", exc)
        checks["database"] = "unreachable"
    broker_url = settings.CELERY_BROKER_URL
    if broker_url and not broker_url.startswith("memory://"):
        checks["broker"] = _ping_redis(broker_url)
    if checks["database"] == "ok":
        try:
            run = JobRun.objects.filter(name="sla_sweep").first()
            checks["last_sla_sweep_age_seconds"] = (
                int((timezone.now() - run.last_success_at).total_seconds()) if run else None
            )
        except Exception:  # table missing before migrate: not a health failure of its own
            checks["last_sla_sweep_age_seconds"] = None
    healthy = checks["database"] == "ok" and checks.get("broker", "ok") == "ok"
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)


def _ping_redis(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return "ok"
    except Exception as exc:
        log.warning("healthz: broker unreachable: %s", exc)
        return "unreachable"


@never_cache
@require_GET
def metrics_view(request):
    """The node's metrics in Prometheus' text format (lib.metrics): for a scraper with
    ``Authorization: Bearer <METRICS_TOKEN>``, or a signed-in staff member; anyone else is
    sent to sign in (anonymous) or refused (403)."""
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_staff:
        return render(request, "errors/403.html", status=403)
    return HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE)


@never_cache
def request_too_large(request):
    """Where the reverse proxy sends a request whose body is over its limit (nginx
    ``error_page 413``, deploy/nginx.conf.template): the portal's page in the user's language
    instead of nginx's bare one. The proxy turns the refused POST into a GET here."""
    limits = {"max_file_bytes": settings.POE_MAX_FILE_BYTES, "max_files": settings.POE_MAX_FILES_PER_CLAIM}
    return render(request, "errors/413.html", limits, status=413)
