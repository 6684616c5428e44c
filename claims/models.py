"""Claims, their proof of execution (PoE) and their comment threads.

State changes never happen here: they go through ``claims.services``, which locks the row,
checks the state, saves with ``update_fields`` and writes an ``audit.AuditEvent``.
Nothing is ever deleted (see ``lib.nodelete``).
"""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.cache import claims_changed
from claims.references import claim_reference
from claims.states import PARTNER_EDITABLE_STATUSES, Status
from directory.models import SolutionArea
from lib import clock
from lib.db import PatternOps
from lib.nodelete import NoDeleteModel, NoDeleteQuerySet


class Activity(models.TextChoices):
    PRESALES = "presales", _("Presales")
    USAGE = "usage", _("Usage")
    REVENUE_ASSOCIATION = "revenue_association", _("Revenue association")


# Which activities each solution area offers (docs/product.md, "Activities").
ACTIVITIES_BY_AREA = {
    SolutionArea.BUSINESS_APPLICATIONS: (Activity.PRESALES, Activity.USAGE, Activity.REVENUE_ASSOCIATION),
    SolutionArea.MICROSOFT_365: (Activity.USAGE,),
}
# Activities that pay incentives (and so want an MPN enrolled in an incentive program).
INCENTIVE_ACTIVITIES = frozenset({Activity.PRESALES, Activity.USAGE})


class DueKind(models.TextChoices):
    """Which service time ``Claim.due_at`` measures."""

    REVIEW_START = "review_start", _("Review to start")
    DECISION = "decision", _("Decision")
    PARTNER_RESPONSE = "partner_response", _("Partner response")


class InfoRequestReason(models.TextChoices):
    POE_MISSING = "poe_missing", _("PoE missing or unreadable")
    NO_CUSTOMER_ACK = "no_customer_ack", _("No customer signature or acknowledgment")
    DATES = "dates", _("Dates missing or older than 12 months")
    WORK_NOT_DESCRIBED = "work_not_described", _("Partner work not described")
    PRODUCT_NOT_IN_POE = "product_not_in_poe", _("A claimed product is not in the PoE")


class RejectionReason(models.TextChoices):
    PARTNER_REQUEST_WRONG_MPN = "partner_request_wrong_mpn", _("Partner request: wrong MPN")
    PARTNER_REQUEST_WRONG_ACTIVITY = "partner_request_wrong_activity", _("Partner request: wrong activity")
    PARTNER_REQUEST_NOT_WORKING = (
        "partner_request_not_working",
        _("Partner request: no longer working with the customer"),
    )
    CUSTOMER_DECLINED = "customer_declined", _("Customer declined")
    INSUFFICIENT_POE = "insufficient_poe", _("Insufficient PoE")
    # Partner Center's later reasons (docs/lifecycle.md, "Reasons"):
    MISSING_CUSTOMER_CONSENT = "missing_customer_consent", _("Missing customer consent on PoE")
    MISSING_PRODUCTS = "missing_products", _("Missing products")
    POE_UNAVAILABLE = "poe_unavailable", _("PoE unavailable")
    NO_PARTNER_RESPONSE = "no_partner_response", _("No partner response")
    COMPETING_CLAIM_AWARDED = "competing_claim_awarded", _("Competing claim awarded to another partner")


class EndReason(models.TextChoices):
    SUBSCRIPTION_EXPIRED = "subscription_expired", _("Subscription expired")
    SUBSCRIPTION_DISABLED = "subscription_disabled", _("Subscription disabled")
    PARTNER_DISASSOCIATED = "partner_disassociated", _("Partner ended the association")
    DISPLACED_BY_COMPETING_CLAIM = "displaced_by_competing_claim", _("Awarded to a competing claim")
    # The customer declined on the consent page after the approval, within its window (consent/).
    CUSTOMER_DECLINED = "customer_declined", _("Customer declined")


# A claim its partner never submitted (a draft, or a draft the partner discarded): the
# partner's own business, never shown to reviewers, leads or exports.
NEVER_SUBMITTED = Q(status=Status.EDITING) | Q(status=Status.WITHDRAWN, submitted_at__isnull=True)


class ClaimQuerySet(NoDeleteQuerySet):
    """Every bulk write to claims goes through ``claims.cache.claims_changed``, as
    ``Claim.save`` does: cached pages never outlive a change, whichever path made it."""

    def update(self, **kwargs):
        # A change of status moves the partners' status strips: find whose, before the update.
        partners = self.order_by().values_list("partner_id", flat=True).distinct() if "status" in kwargs else ()
        partner_ids = list(partners)
        rows = super().update(**kwargs)
        claims_changed(partner_ids=partner_ids)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        claims_changed(partner_ids={obj.partner_id for obj in objs})
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        claims_changed(partner_ids={obj.partner_id for obj in objs} if "status" in fields else ())
        return rows


NAME_MAX_LENGTH = 120


class Claim(NoDeleteModel):
    objects = ClaimQuerySet.as_manager()

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="claims", verbose_name=_("partner")
    )
    mpn = models.ForeignKey("partners.Mpn", on_delete=models.PROTECT, related_name="claims", verbose_name=_("MPN"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.EDITING)
    # What the partner calls the claim (Partner Center's "claim name"): required, drafts too; the
    # reference (``CPOR-000042``) stays the identifier.
    name = models.CharField(_("claim name"), max_length=NAME_MAX_LENGTH)

    # What the partner typed (kept verbatim, even when invalid), and what it resolved to.
    customer_tenant_id = models.CharField(_("customer tenant ID"), max_length=64, blank=True)
    customer_domain = models.CharField(_("customer domain"), max_length=253, blank=True)
    tenant = models.ForeignKey(
        "directory.CustomerTenant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("customer"),
    )
    solution_area = models.CharField(_("solution area"), max_length=32, choices=SolutionArea.choices, blank=True)
    activity = models.CharField(_("activity"), max_length=32, choices=Activity.choices, blank=True)
    products = models.ManyToManyField(
        "directory.Product", related_name="claims", blank=True, verbose_name=_("products / workloads")
    )
    subscription_ref = models.CharField(_("subscription ID"), max_length=64, blank=True)
    subscription = models.ForeignKey(
        "directory.Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("subscription"),
    )
    customer_contact_name = models.CharField(_("customer contact name"), max_length=200, blank=True)
    customer_contact_title = models.CharField(_("customer contact title"), max_length=200, blank=True)
    customer_contact_email = models.EmailField(_("customer contact e-mail"), blank=True)
    partner_contact_name = models.CharField(_("partner contact name"), max_length=200, blank=True)
    partner_contact_email = models.EmailField(_("partner contact e-mail"), blank=True)
    description = models.TextField(_("description of the work"), blank=True)
    # The partner's optional comment when filing: posted as the first partner comment of the
    # thread when the claim is submitted (a draft has no thread yet).
    filing_comment = models.TextField(_("comment when filing"), blank=True)

    # The association key (see claims.keys): what one partner can own per activity.
    association_key = models.CharField(_("association key"), max_length=200, blank=True)
    is_competing = models.BooleanField(_("competing"), default=False)
    # A partner may dispute a rejection once: a claim disputed before gets a final rejection,
    # even when the dispute went through an information request and came back under review.
    disputed_once = models.BooleanField(_("disputed once"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_claims",
        verbose_name=_("assignee"),
    )

    # Service times. due_at is the current deadline (of kind due_kind); while waiting on the
    # partner the reviewer's clock is paused and its remaining business days kept in paused_days.
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    due_kind = models.CharField(_("deadline for"), max_length=20, choices=DueKind.choices, blank=True)
    paused_days = models.PositiveSmallIntegerField(_("reviewer days left when paused"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    review_started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    dispute_until = models.DateTimeField(_("dispute possible until"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    decision_reason = models.CharField(_("decision reason"), max_length=40, blank=True)
    decision_message = models.TextField(_("decision message"), blank=True)
    end_reason = models.CharField(_("end reason"), max_length=40, choices=EndReason.choices, blank=True)
    end_message = models.TextField(_("end message"), blank=True)

    reclaimed_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reclaims",
        verbose_name=_("reclaimed from"),
    )
    # Bumped by every service write; forms carry it so a stale form is refused, not applied.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            # One owner per association key: at most one approved claim.
            models.UniqueConstraint(
                fields=["association_key"],
                condition=Q(status="approved"),
                name="claim_one_owner_per_key",
                violation_error_message=_("Another partner already owns this association."),
            ),
            # One active claim per partner per key (approved or awaiting a decision).
            models.UniqueConstraint(
                fields=["partner", "association_key"],
                condition=Q(status__in=["submitted", "under_review", "action_required", "approved", "disputed"]),
                name="claim_one_active_per_partner_key",
                violation_error_message=_("Your company has already claimed this association."),
            ),
            # Every claim past the draft stage has its key.
            models.CheckConstraint(
                condition=Q(status__in=["editing", "withdrawn"]) | ~Q(association_key=""),
                name="claim_key_after_submission",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="claim_status_valid",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="claim_name_required"),
        ]
        indexes = [
            # Reviewer queue, default order (most urgent first) and its status/activity filters.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(status__in=["submitted", "under_review", "disputed", "action_required"]),
                name="claim_queue_due_idx",
            ),
            models.Index(
                fields=["status", "activity", "due_at", "id"],
                condition=Q(status__in=["submitted", "under_review", "disputed", "action_required"]),
                name="claim_queue_status_act_idx",
            ),
            # Queue "customer" search: domain prefix (LIKE 'x%' needs the pattern opclass).
            models.Index(
                fields=["customer_domain"],
                name="claim_queue_domain_idx",
                condition=Q(status__in=["submitted", "under_review", "disputed", "action_required"]),
                opclasses=["varchar_pattern_ops"],
            ),
            # Queue "competing: yes": competing claims are rare.
            models.Index(
                fields=["due_at", "id"],
                name="claim_queue_competing_idx",
                condition=Q(status__in=["submitted", "under_review", "disputed", "action_required"], is_competing=True),
            ),
            # SLA sweep: partner reminders and automatic rejections at action_required deadlines.
            models.Index(
                fields=["due_at", "id"],
                name="claim_partner_response_idx",
                condition=Q(status="action_required", due_kind="partner_response"),
            ),
            # A partner's status strip (GROUP BY status, index-only) and "needs your action".
            models.Index(fields=["partner", "status", "due_at", "id"], name="claim_partner_status_idx"),
            models.Index(
                fields=["partner", "-updated_at"], condition=Q(status="editing"), name="claim_partner_drafts_idx"
            ),
            models.Index(fields=["partner", "due_at", "id"], name="claim_partner_due_idx"),
            # Partner's "my claims" in its default order, last changed first (read backwards), and
            # sorted by name or by submission: one keyset range per page, either way (at 200,000
            # claims of one company a sort without its index read them all: 0.4 s a page).
            models.Index(fields=["partner", "updated_at", "id"], name="claim_partner_updated_idx"),
            models.Index(F("partner"), Upper("name"), F("id"), name="claim_partner_name_idx"),
            models.Index(fields=["partner", "submitted_at", "id"], name="claim_partner_submitted_idx"),
            # Search by claim name (the queue's and the admin's): the name's start, any case,
            # ``UPPER(name) LIKE 'X%'``. A substring search would want a trigram GIN index, but
            # the project uses no PostgreSQL extension (pg_trgm would have to be installed on
            # every database: CI's, the bench's, production's), and a btree serves the prefix
            # the reviewers type or paste. Pattern ops: LIKE under a non-C collation.
            models.Index(PatternOps(Upper("name")), name="claim_name_upper_idx"),
            models.Index(fields=["association_key", "status"], name="claim_key_status_idx"),
            models.Index(fields=["customer_domain"], name="claim_domain_idx"),
            # SLA sweep: rejected claims whose dispute window closes.
            models.Index(fields=["dispute_until"], condition=Q(status="rejected"), name="claim_dispute_window_idx"),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        moved = update_fields is None or "status" in update_fields  # created, or a new status
        claims_changed(partner_ids=[self.partner_id] if moved else ())

    @property
    def reference(self) -> str:
        return claim_reference(self.pk) if self.pk else "CPOR-new"

    @property
    def is_partner_editable(self) -> bool:
        return self.status in PARTNER_EDITABLE_STATUSES


def poe_storage():
    return storages["poe"]


def poe_upload_to(instance, filename):
    # Random name; the original name is kept in PoeFile.original_name for display only.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{clock.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class PoeFile(NoDeleteModel):
    """A proof-of-execution file. Type decided by content at upload (claims.uploads)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="poe_files", verbose_name=_("claim"))
    file = models.FileField(_("file"), storage=poe_storage, upload_to=poe_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("PoE file")
        verbose_name_plural = _("PoE files")
        indexes = [models.Index(fields=["claim", "-uploaded_at"], name="poe_claim_uploaded_idx")]

    def __str__(self):
        return self.original_name


class PendingUploadState(models.TextChoices):
    KEPT = "kept", _("Kept for the form")
    ATTACHED = "attached", _("Attached to a claim")
    REMOVED = "removed", _("Removed by the user")
    EXPIRED = "expired", _("Expired")


class PendingUpload(NoDeleteModel):
    """An accepted PoE file of the claim form, held for the form until it saves, so a form that
    comes back with errors keeps it and the partner does not choose it again
    (docs/claim-form.md). It belongs to one user and one form (``form_key``, a random token the
    form carries) until it is attached to the claim the form saves (the file becomes that
    claim's PoE where it is), removed by the user, or expired by the sweep (the file is
    deleted); the row stays as the record (``claims.pending``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    form_key = models.CharField(_("form key"), max_length=32)
    # Named as PoE is (``poe_upload_to``): once attached, the file is the claim's PoE where it is.
    file = models.FileField(_("file"), storage=poe_storage, upload_to=poe_upload_to, max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    state = models.CharField(
        _("state"), max_length=16, choices=PendingUploadState.choices, default=PendingUploadState.KEPT
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("claim")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("kept upload")
        verbose_name_plural = _("kept uploads")
        indexes = [
            models.Index(fields=["user", "form_key"], name="pending_user_form_idx"),
            models.Index(fields=["expires_at"], name="pending_kept_expiry_idx", condition=Q(state="kept")),
            models.Index(fields=["partner"], name="pending_kept_partner_idx", condition=Q(state="kept")),
        ]

    def __str__(self):
        return self.name


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    SYSTEM = "system", _("System message")


class Comment(NoDeleteModel):
    """One entry in a claim's thread. ``internal`` entries are reviewer-only notes and never
    reach a partner page, fragment, e-mail or export. System entries carry a ``code`` (and
    ``data``) and are rendered in the reader's language (claims.messages)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="comments", verbose_name=_("claim"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CommentKind.choices, default=CommentKind.COMMENT)
    internal = models.BooleanField(_("internal note"), default=False)
    code = models.CharField(_("system message"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    body = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["claim", "created_at", "id"], name="comment_claim_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="comment", author__isnull=False) | Q(kind="system"),
                name="comment_author_required",
            ),
        ]

    def __str__(self):
        return f"{self.claim} #{self.pk}"
