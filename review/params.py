"""The review queue's query vocabulary that other apps link with: ``?assigned=me`` (the
escalation digests in ``notifications.texts`` link to ``?sla=overdue&assigned=me``; the SLA
values are the clock's states in ``claims.sla``). Constants only: anything may import them."""

ME, UNASSIGNED, ANYONE = "me", "unassigned", "anyone"
