"""Arbitration cases: competing claims for one association key, decided by a reviewer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.nodelete import DeletionForbidden, NoDeleteModel


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


class ArbitrationCase(NoDeleteModel):
    association_key = models.CharField(_("association key"), max_length=200, db_index=True)
    tenant = models.ForeignKey(
        "directory.CustomerTenant", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    product = models.ForeignKey(
        "directory.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product / workload"),
    )
    subscription = models.ForeignKey(
        "directory.Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subscription"),
    )
    activity = models.CharField(_("activity"), max_length=32)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    claims = models.ManyToManyField(
        "claims.Claim", through="CaseClaim", related_name="arbitration_cases", verbose_name=_("claims")
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    winner = models.ForeignKey(
        "claims.Claim",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("awarded claim"),
    )
    decision_reason = models.TextField(_("decision reason"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["opened_at", "id"]
        verbose_name = _("arbitration case")
        verbose_name_plural = _("arbitration cases")
        constraints = [
            models.UniqueConstraint(
                fields=["association_key"], condition=Q(status="open"), name="case_one_open_per_key"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(decided_at__isnull=False), name="case_decided_has_time"
            ),
        ]
        indexes = [models.Index(fields=["opened_at", "id"], condition=Q(status="open"), name="case_open_idx")]

    def __str__(self):
        return f"ARB-{self.pk:05d}" if self.pk else "ARB-new"

    @property
    def reference(self) -> str:
        return str(self)


class CaseClaim(models.Model):
    """A claim's place in a case. The incumbent is the claim that owned the key when the case
    opened; its approval stays valid until the case is decided.

    An approved incumbent asked for information cannot wait on its partner as a claim does
    (its status stays *approved*), so the request's state is kept here: asked (when, by whom,
    answer due when) and answered. A request is open from ``info_requested_at`` until
    ``info_answered_at``; passing ``info_due_at`` rejects nothing, it only tells the reviewer
    that the partner did not answer in time."""

    case = models.ForeignKey(ArbitrationCase, on_delete=models.PROTECT, related_name="participants")
    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="case_links")
    is_incumbent = models.BooleanField(_("incumbent"), default=False)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    info_requested_at = models.DateTimeField(_("information requested"), null=True, blank=True)
    info_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("information requested by"),
    )
    info_due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    info_answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "claim"], name="caseclaim_unique")]

    def __str__(self):
        return f"{self.case} · {self.claim}"

    @property
    def info_request_open(self) -> bool:
        """An incumbent's information request waits for its partner's answer."""
        return self.info_requested_at is not None and self.info_answered_at is None

    def delete(self, *args, **kwargs):
        raise DeletionForbidden("case memberships are never deleted")
