from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.roles import REVIEW_LEADS_GROUP, REVIEWERS_GROUP


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

    class Meta:
        db_table = "accounts_user"

    @cached_property
    def _group_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    @cached_property
    def is_review_lead(self) -> bool:
        return self.is_active and (self.is_superuser or REVIEW_LEADS_GROUP in self._group_names)

    @cached_property
    def is_reviewer(self) -> bool:
        """Reviewers and leads both work the queue; leads can do more (``is_review_lead``)."""
        return self.is_review_lead or (self.is_active and REVIEWERS_GROUP in self._group_names)

    @cached_property
    def partner_membership(self):
        """The user's membership of a partner company, or ``None`` (one query, cached)."""
        from partners.models import Membership

        if not self.pk:
            return None
        return Membership.objects.select_related("partner").filter(user_id=self.pk).first()
