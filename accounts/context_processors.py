from django.conf import settings


def roles(request):
    """What the header needs to know about the signed-in user (no query for anonymous)."""
    context = {"support_url": settings.SUPPORT_URL}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    context.update(
        membership=user.partner_membership,
        is_reviewer=user.is_reviewer,
        is_review_lead=user.is_review_lead,
        unread_notifications=user.unread_notifications,
    )
    return context
