from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from arbitration.models import ArbitrationCase, CaseStatus


@login_required
def case_list(request):
    """Open arbitration cases, oldest first (reviewers and leads only)."""
    if not request.user.is_reviewer:
        raise PermissionDenied
    cases = (
        ArbitrationCase.objects.filter(status=CaseStatus.OPEN)
        .select_related("tenant", "product", "assignee")
        .order_by("opened_at", "id")[:200]
    )
    return render(request, "arbitration/case_list.html", {"cases": cases, "nav": "arbitration"})
