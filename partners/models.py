from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.cache import bump_generation

# The cache generation of what is drawn from the partner list (the queue's partner filter).
PARTNERS_GENERATION = "partners"


class Partner(models.Model):
    """A partner company. It files claims through its MPN IDs."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        bump_generation(PARTNERS_GENERATION)  # the queue's partner filter lists them


class PartnerType(models.TextChoices):
    NONE = "", _("No specific partner type")
    FRP_FASTTRACK = "frp_fasttrack", _("FRP FastTrack")
    CSP_DIRECT = "csp_direct", _("CSP direct bill partner")
    CSP_INDIRECT = "csp_indirect", _("CSP indirect reseller")
    MSP = "msp", _("Managed service provider")


class Mpn(models.Model):
    """An MPN ID (a partner location). It belongs to exactly one partner (unique number)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="mpns", verbose_name=_("partner"))
    number = models.CharField(_("MPN ID"), max_length=12, unique=True)
    location = models.CharField(_("location"), max_length=200)
    incentive_enrolled = models.BooleanField(_("enrolled in an incentive program"), default=False)
    partner_type = models.CharField(
        _("partner type"), max_length=32, choices=PartnerType.choices, blank=True, default=PartnerType.NONE
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["partner__name", "number"]
        verbose_name = _("MPN ID")
        verbose_name_plural = _("MPN IDs")
        constraints = [
            models.CheckConstraint(condition=models.Q(number__regex=r"^[0-9]{6,12}$"), name="mpn_number_digits"),
        ]

    def __str__(self):
        return f"{self.number} ({self.location})"


class Role(models.TextChoices):
    GLOBAL_ADMIN = "global_admin", _("Global admin")
    BILLING_ADMIN = "billing_admin", _("Billing admin")
    INCENTIVES_ADMIN = "incentives_admin", _("Incentives admin")
    INCENTIVES_USER = "incentives_user", _("Incentives user")


# Roles that may file and change claims; everyone else in the company reads only.
WRITE_ROLES = frozenset({Role.GLOBAL_ADMIN, Role.BILLING_ADMIN, Role.INCENTIVES_ADMIN})


class Membership(models.Model):
    """A user's place in one partner company. A partner user works for one company."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership", verbose_name=_("user")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("partner")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.partner} ({self.get_role_display()})"

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES
