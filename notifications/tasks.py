"""Celery tasks. Each takes ids or nothing, loads current state, and calls a service, so a
re-delivered task (acks_late) does no harm."""

from celery import shared_task


@shared_task(ignore_result=True)
def send_pending_notifications():
    from notifications.sending import send_pending

    return send_pending()


@shared_task(ignore_result=True)
def sla_sweep():
    from notifications.sweep import run_sla_sweep

    return run_sla_sweep()


@shared_task(ignore_result=True)
def recheck_subscriptions():
    from notifications.recheck import run_subscription_recheck

    return run_subscription_recheck()
