from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import connection, models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.roles import REVIEW_LEADS_GROUP, REVIEWERS_GROUP
from notifications.models import Notification
from partners.models import Membership


class User(AbstractUser):
    """A portal user: a partner employee (has a ``membership``), a Microsoft reviewer or
    lead (in the Reviewers / Review leads group), or an operator (staff)."""

    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Language of the portal and of e-mails sent to this user."),
    )
    # WCAG 2.1.4: single-key shortcuts can be turned off (the queue's switch, accounts.views).
    queue_shortcuts = models.BooleanField(
        _("queue keyboard shortcuts"),
        default=True,
        help_text=_("Single-key shortcuts on the review queue: j and k move, x selects, / searches."),
    )

    class Meta:
        db_table = "accounts_user"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def _facts(self) -> dict:
        """The role groups, the unread-notification count and whether the user belongs to a
        partner, read in one plain query: every page needs them (the access check, then the
        header). Three ORM queries, or one ORM query with subqueries, cost a cached queue
        page more than the rest of it; this statement costs a fifth of a millisecond."""
        facts = {"groups": frozenset(), "membership": None, "unread": 0}
        if not self.pk:
            return facts
        tables = {
            "user_groups": User.groups.through._meta.db_table,
            "group": User.groups.field.related_model._meta.db_table,
            "notification": Notification._meta.db_table,
            "membership": Membership._meta.db_table,
        }
        sql = """
            SELECT
              EXISTS (SELECT 1 FROM {user_groups} ug JOIN {group} g ON g.id = ug.group_id
                      WHERE ug.user_id = %s AND g.name = %s),
              EXISTS (SELECT 1 FROM {user_groups} ug JOIN {group} g ON g.id = ug.group_id
                      WHERE ug.user_id = %s AND g.name = %s),
              (SELECT COUNT(*) FROM {notification} WHERE recipient_id = %s AND read_at IS NULL),
              (SELECT id FROM {membership} WHERE user_id = %s)
        """.format(**tables)  # noqa: S608 (table names are ours; every value is a parameter)
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.pk, REVIEW_LEADS_GROUP, self.pk, REVIEWERS_GROUP, self.pk, self.pk])
            in_leads, in_reviewers, unread, membership_id = cursor.fetchone()
        groups = {REVIEW_LEADS_GROUP} if in_leads else set()
        groups |= {REVIEWERS_GROUP} if in_reviewers else set()
        facts.update(groups=frozenset(groups), unread=unread or 0)
        if membership_id is not None:  # partner users only: their company, for the header
            membership = Membership.objects.select_related("partner").filter(pk=membership_id).first()
            if membership is not None:
                membership.user = self
            facts["membership"] = membership
        return facts

    @property
    def display_name(self) -> str:
        """How the portal names a person: the full name, else the username."""
        return self.get_full_name() or self.username

    @property
    def _group_names(self) -> frozenset[str]:
        """The user's role groups (the only groups the portal reads)."""
        return self._facts["groups"]

    @property
    def unread_notifications(self) -> int:
        """Unread notifications when the user was first read in this request (the header)."""
        return self._facts["unread"]

    @cached_property
    def is_review_lead(self) -> bool:
        return self.is_active and (self.is_superuser or REVIEW_LEADS_GROUP in self._group_names)

    @cached_property
    def is_reviewer(self) -> bool:
        """Reviewers and leads both work the queue; leads can do more (``is_review_lead``)."""
        return self.is_review_lead or (self.is_active and REVIEWERS_GROUP in self._group_names)

    @cached_property
    def partner_membership(self):
        """The user's membership of a partner company, or ``None``."""
        return self._facts["membership"]
