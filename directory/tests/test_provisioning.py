"""A subscription's ``provisioned_at`` follows ``provisioned`` for every writer (the model's
save), so ticking "provisioned" in the admin lets the next re-check tell waiting partners."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.jobs.recheck import CLAIMABLE_NOW, WAITING, run_subscription_recheck
from claims.tests.factories import ClaimFactory, SubscriptionFactory
from directory.models import Subscription
from lib import clock
from notifications.models import Notification, SweepMark

BACKEND = "django.contrib.auth.backends.ModelBackend"


def test_provisioned_at_follows_the_flag(db):
    sub = SubscriptionFactory(provisioned=False)
    assert sub.provisioned_at is None

    sub = Subscription.objects.get(pk=sub.pk)
    sub.provisioned = True
    moment = timezone.now() - dt.timedelta(hours=1)
    with clock.frozen_at(moment):
        sub.save()
    assert Subscription.objects.get(pk=sub.pk).provisioned_at == moment

    sub = Subscription.objects.get(pk=sub.pk)
    sub.status = "in_grace"
    sub.save()  # still provisioned: the time stays
    assert Subscription.objects.get(pk=sub.pk).provisioned_at == moment

    sub.provisioned = False
    sub.save(update_fields=["provisioned"])  # provisioned_at is written with it
    assert Subscription.objects.get(pk=sub.pk).provisioned_at is None

    sub = Subscription.objects.get(pk=sub.pk)
    sub.provisioned = True
    sub.save(update_fields=["provisioned"])
    assert Subscription.objects.get(pk=sub.pk).provisioned_at > moment


def test_a_new_provisioned_subscription_gets_its_time(db):
    assert SubscriptionFactory().provisioned_at is not None
    given = timezone.now() - dt.timedelta(days=120)
    assert SubscriptionFactory(provisioned_at=given).provisioned_at == given  # e.g. the demo's


def test_an_old_row_without_a_time_is_not_stamped_by_an_unrelated_save(db):
    sub = SubscriptionFactory()
    Subscription.objects.filter(pk=sub.pk).update(provisioned_at=None)  # from before provisioned_at was kept
    sub = Subscription.objects.get(pk=sub.pk)
    sub.status = "in_grace"
    sub.save()
    assert Subscription.objects.get(pk=sub.pk).provisioned_at is None  # it did not just become provisioned


def change_form_data(sub: Subscription, **changes) -> dict:
    data = {
        "subscription_id": str(sub.subscription_id),
        "tenant": str(sub.tenant_id),
        "products": [str(pk) for pk in sub.products.values_list("pk", flat=True)],
        "channel": sub.channel,
        "status": sub.status,
        "_save": "Save",
    }
    if sub.provisioned:
        data["provisioned"] = "on"
    data.update(changes)
    return data


def test_ticking_provisioned_in_the_admin_tells_the_waiting_partner(
    client, superuser, contoso_mpn, contoso_admin, contoso_viewer, dynamics_sales
):
    sub = SubscriptionFactory(products=[dynamics_sales], provisioned=False)
    draft = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=sub, products=[dynamics_sales])
    # No re-check ran while the subscription was unprovisioned: nothing remembers the draft waiting.
    assert not SweepMark.objects.filter(claim=draft).exists()

    client.force_login(superuser, backend=BACKEND)
    url = reverse("admin:directory_subscription_change", args=[sub.pk])
    response = client.post(url, change_form_data(sub, provisioned="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    sub.refresh_from_db()
    assert sub.provisioned and sub.provisioned_at is not None

    assert run_subscription_recheck()["drafts"] == {WAITING: 0, CLAIMABLE_NOW: 1}
    notes = Notification.objects.filter(kind="subscription_claimable", claim=draft)
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted([contoso_admin.pk, contoso_viewer.pk])


def test_provisioned_at_is_read_only_in_the_admin(client, superuser, subscription):
    client.force_login(superuser, backend=BACKEND)
    response = client.get(reverse("admin:directory_subscription_change", args=[subscription.pk]))
    assert "provisioned_at" not in response.context["adminform"].form.fields
    assert "provisioned_at" in response.context["adminform"].readonly_fields


@pytest.mark.parametrize("provisioned", [True, False])
def test_unticking_clears_the_time(client, superuser, subscription, provisioned):
    client.force_login(superuser, backend=BACKEND)
    data = change_form_data(subscription)
    if not provisioned:
        data.pop("provisioned")
    client.post(reverse("admin:directory_subscription_change", args=[subscription.pk]), data)
    subscription.refresh_from_db()
    assert subscription.provisioned is provisioned
    assert (subscription.provisioned_at is not None) is provisioned
