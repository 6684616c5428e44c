"""Users in the admin: Django's user admin plus the portal language and the partner company."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import User
from lib.admin import StrictAdminMixin, StrictIdsAdminMixin
from partners.models import Membership


class MembershipInline(StrictIdsAdminMixin, admin.StackedInline):
    """A partner user's company and role (Microsoft reviewers and operators have none)."""

    model = Membership
    fields = ("partner", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("partner",)
    extra = 0
    max_num = 1


@admin.register(User)
class UserAdmin(StrictAdminMixin, DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Portal"), {"fields": ("language", "queue_shortcuts")}))
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "language", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "email", "first_name", "last_name", "partner", "language", "is_staff", "is_active")
    list_select_related = ("membership__partner",)
    list_filter = (*DjangoUserAdmin.list_filter, "language")
    inlines = (MembershipInline,)

    @admin.display(description=_("partner"), ordering="membership__partner__name")
    def partner(self, obj):
        membership = getattr(obj, "membership", None)  # no query: joined by list_select_related
        return membership.partner if membership else None


# Django's group admin, with its permissions and filters read the strict way.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(StrictAdminMixin, DjangoGroupAdmin):
    pass


# django-axes ships no Swedish. Its names and labels, marked here, get their translations from
# our catalog: Django looks a message up in one catalog merged from every app's and ours.
AXES_TEXTS = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
)

# django-axes' sign-in logs, with their filters and date hierarchy (attempt_time) read the strict way.
for _model, _model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):  # AXES_ENABLE_ADMIN
        admin.site.unregister(_model)
        admin.site.register(_model, type(_model_admin.__name__, (StrictAdminMixin, _model_admin), {}))
