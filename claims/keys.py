"""Association keys: what one partner can own per activity.

- Business Applications presales / usage: the subscription and the activity.
- Business Applications revenue association: the tenant, the product and the activity.
- Microsoft 365 usage: the tenant, the workload and the activity.

A claim covers exactly one key (one subscription, or one product/workload on a tenant), so
the database can hold "one owner per key" as a unique constraint on ``Claim``.
"""

from claims.models import Activity
from directory.models import SolutionArea


def association_key(*, solution_area: str, activity: str, tenant_id, product_code: str | None, subscription_id) -> str:
    if solution_area == SolutionArea.BUSINESS_APPLICATIONS and activity in (Activity.PRESALES, Activity.USAGE):
        return f"sub:{subscription_id}:{activity}"
    return f"tenant:{tenant_id}:{product_code}:{activity}"
