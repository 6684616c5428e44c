"""Users in the admin: Django's user admin plus the portal language and the partner company."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

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
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Portal"), {"fields": ("language",)}))
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


# django-axes' sign-in logs, with their filters and date hierarchy (attempt_time) read the strict way.
for _model, _model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):  # AXES_ENABLE_ADMIN
        admin.site.unregister(_model)
        admin.site.register(_model, type(_model_admin.__name__, (StrictAdminMixin, _model_admin), {}))
