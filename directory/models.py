"""The directory: customer tenants, their domains, subscriptions and the product catalog.

In production this mirrors Microsoft's commerce data; here it is fed by
``manage.py import_directory`` and the admin. Claims read it only through
``directory.lookup`` so another source can replace the database later.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lib import clock


class SolutionArea(models.TextChoices):
    BUSINESS_APPLICATIONS = "business_applications", _("Business Applications")
    MICROSOFT_365 = "microsoft_365", _("Microsoft 365")


class Product(models.Model):
    """A Dynamics 365 product (Business Applications) or a Microsoft 365 workload."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    solution_area = models.CharField(_("solution area"), max_length=32, choices=SolutionArea.choices)
    is_dynamics = models.BooleanField(_("Dynamics 365 product"), default=False)
    is_active = models.BooleanField(_("available for claims"), default=True)

    class Meta:
        ordering = ["solution_area", "name"]
        verbose_name = _("product or workload")
        verbose_name_plural = _("products and workloads")

    def __str__(self):
        return self.name


class CustomerTenant(models.Model):
    tenant_id = models.UUIDField(_("tenant ID"), unique=True)
    name = models.CharField(_("customer name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer tenant")
        verbose_name_plural = _("customer tenants")

    def __str__(self):
        return f"{self.name} ({self.tenant_id})"


class TenantDomain(models.Model):
    """A domain on a tenant: its ``*.onmicrosoft.com`` domain or a verified custom domain.
    A domain is on one tenant only (stored lower-case)."""

    tenant = models.ForeignKey(
        CustomerTenant, on_delete=models.PROTECT, related_name="domains", verbose_name=_("tenant")
    )
    domain = models.CharField(_("domain"), max_length=253, unique=True)
    is_initial = models.BooleanField(_("initial onmicrosoft.com domain"), default=False)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("tenant domain")
        verbose_name_plural = _("tenant domains")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain=models.functions.Lower("domain")), name="domain_lowercase"
            ),
        ]

    def __str__(self):
        return self.domain


class Channel(models.TextChoices):
    VOLUME_LICENSING = "volume_licensing", _("Volume Licensing")
    WEB_DIRECT = "web_direct", _("Web-Direct")
    CSP = "csp", _("Cloud Solution Provider (CSP)")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    IN_GRACE = "in_grace", _("In grace")
    EXPIRED = "expired", _("Expired")
    DISABLED = "disabled", _("Disabled")


CLAIMABLE_SUBSCRIPTION_STATUSES = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.IN_GRACE})


class Subscription(models.Model):
    subscription_id = models.UUIDField(_("subscription ID"), unique=True)
    tenant = models.ForeignKey(
        CustomerTenant, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("tenant")
    )
    products = models.ManyToManyField(Product, related_name="subscriptions", verbose_name=_("products"))
    channel = models.CharField(_("purchase channel"), max_length=32, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=16, choices=SubscriptionStatus.choices)
    provisioned = models.BooleanField(_("products activated / provisioned"), default=True)
    # When ``provisioned`` last turned on (set by save(), empty while unprovisioned): the
    # subscription re-check tells partners whose draft names it and is older than this.
    provisioned_at = models.DateTimeField(_("provisioned at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["tenant__name", "subscription_id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self):
        return str(self.subscription_id)

    def save(self, *args, **kwargs):
        """Keep ``provisioned_at`` with ``provisioned``, whoever writes (the admin, the
        importer): now when it turns on (or a new subscription is provisioned), empty while it
        is off, unchanged otherwise. (A queryset ``update()`` bypasses this: set both.)"""
        if not self.provisioned:
            self.provisioned_at = None
        elif self._state.adding:
            self.provisioned_at = self.provisioned_at or clock.now()
        elif getattr(self, "provisioned_in_db", None) is False:
            self.provisioned_at = clock.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "provisioned" in update_fields:
            kwargs["update_fields"] = {*update_fields, "provisioned_at"}
        super().save(*args, **kwargs)
        self.provisioned_in_db = self.provisioned

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the database holds, so save() sees "provisioned" turn on (None: not loaded).
        instance.provisioned_in_db = instance.__dict__.get("provisioned")
        return instance
