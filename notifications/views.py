import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from lib.params import parse_id
from notifications.models import Notification
from notifications.services import notification_mark_read
from notifications.texts import (
    digest_sentence_html,
    is_digest,
    notification_path,
    notification_sentence,
    open_path,
    reclaim_path,
)

PAGE_SIZE = 50


def _item(n: Notification, *, for_reviewer: bool) -> dict:
    """One list entry: the sentence linking to its claim; a digest names its claims (each a
    link) and offers the queue's overdue claims."""
    digest = is_digest(n)
    path = open_path(n)  # following it marks the notification read
    return {
        "n": n,
        "text": notification_sentence(n),
        "html": digest_sentence_html(n, for_reviewer=for_reviewer) if digest else "",
        "url": "" if digest else path,
        "queue_url": path if digest else "",
        "reclaim_url": "" if for_reviewer else reclaim_path(n),
    }


def _unread(user) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def _page(user, before: str = "") -> dict:
    """One page of the user's notifications, newest first (keyset on id: no COUNT)."""
    # The claim joined in: each sentence names its claim by name (notifications.texts).
    qs = Notification.objects.filter(recipient_id=user.pk).select_related("claim").order_by("-created_at", "-id")
    before_id = parse_id(before)
    cursor = qs.filter(pk=before_id).values_list("created_at", "pk").first() if before_id else None
    if cursor is not None:
        qs = qs.filter(Q(created_at__lt=cursor[0]) | Q(created_at=cursor[0], id__lt=cursor[1]))
    rows = list(qs[: PAGE_SIZE + 1])
    for_reviewer = user.is_reviewer
    return {
        "items": [_item(n, for_reviewer=for_reviewer) for n in rows[:PAGE_SIZE]],
        "older": rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None,
        "paged": cursor is not None,
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def notification_list(request):
    """The signed-in user's notifications, 50 a page, each a sentence linking to its claim."""
    context = {**_page(request.user, request.GET.get("before", "")), "nav": "notifications"}
    template = "notifications/list.html#list" if request.htmx else "notifications/list.html"
    return render(request, template, context)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def notification_read(request, pk):
    """Mark one of the user's own notifications as read (someone else's is a 404)."""
    n = get_object_or_404(Notification, pk=pk, recipient_id=request.user.pk)
    notification_mark_read(user=request.user, pk=n.pk)
    if request.htmx:
        n.refresh_from_db()
        context = {
            "item": _item(n, for_reviewer=request.user.is_reviewer),
            "unread": _unread(request.user),
            "just_read": True,  # focus stays on this notification (its button is gone)
        }
        response = render(request, "notifications/list.html#read_item", context)
        response["HX-Trigger"] = json.dumps({"announce": _("Notification marked as read.")})
        return response
    return redirect("notifications:list")


@login_required
@require_GET
def notification_open(request, pk):
    """Follow a notification's link (from the list or its e-mail): it is marked read, then the
    reader goes where it leads. Someone else's notification is a 404."""
    n = get_object_or_404(Notification.objects.select_related("claim"), pk=pk, recipient_id=request.user.pk)
    if n.read_at is None:
        notification_mark_read(user=request.user, pk=n.pk)
    return redirect(notification_path(n, for_reviewer=request.user.is_reviewer) or "notifications:list")


@login_required
@require_POST
@vary_on_headers("HX-Request")
def notification_read_all(request):
    """Mark all of the user's notifications as read."""
    count = notification_mark_read(user=request.user)
    if request.htmx:
        context = {**_page(request.user), "unread": 0, "oob_badge": True}
        response = render(request, "notifications/list.html#list", context)
        response["HX-Trigger"] = json.dumps({"announce": _("All notifications are marked as read.")})
        return response
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")
