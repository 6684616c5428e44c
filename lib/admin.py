"""What every admin of ours shares: nothing is deleted, and the audit trail is read-only."""


class NoDeleteAdminMixin:
    """Rows of this model are never deleted: no delete view, no bulk delete action."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdminMixin(NoDeleteAdminMixin):
    """View only: written by the services, shown to operators as it is."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
