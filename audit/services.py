from audit.models import AuditEvent
from lib import clock

# Keys whose values never reach the log (masked, as in pretix's log entries).
_SECRET_KEYS = {"password", "token", "secret"}


def _mask(data: dict) -> dict:
    return {k: ("***" if any(s in k.lower() for s in _SECRET_KEYS) else v) for k, v in data.items()}


def audit_record(
    *,
    action: str,
    actor=None,
    claim=None,
    case=None,
    from_status: str = "",
    to_status: str = "",
    reason_code: str = "",
    data: dict | None = None,
    at=None,
) -> AuditEvent:
    """Append one audit event. Call it inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        claim=claim,
        case=case,
        from_status=from_status,
        to_status=to_status,
        reason_code=reason_code,
        data=_mask(data or {}),
        created_at=at or clock.now(),
    )
