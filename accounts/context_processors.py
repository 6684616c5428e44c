def roles(request):
    """What the header needs to know about the signed-in user (no query for anonymous)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = user.partner_membership
    return {
        "membership": membership,
        "is_reviewer": user.is_reviewer,
        "is_review_lead": user.is_review_lead,
    }
