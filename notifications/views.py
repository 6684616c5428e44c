from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from notifications.models import Notification


@login_required
def notification_list(request):
    """The signed-in user's newest notifications."""
    items = Notification.objects.filter(recipient=request.user).select_related("claim")[:100]
    return render(request, "notifications/list.html", {"items": items, "nav": "notifications"})
