"""What every admin of ours shares: nothing is deleted, the audit trail is read-only, and ids
posted to an admin form are read the strict way."""

from lib.forms import IdChoiceField, IdMultipleChoiceField


class NoBulkDeleteAdminMixin:
    """No "delete selected" action: it deletes a whole selection after one confirmation."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class NoDeleteAdminMixin(NoBulkDeleteAdminMixin):
    """Rows of this model are never deleted: no delete view, no bulk delete action."""

    def has_delete_permission(self, request, obj=None):
        return False


class DeleteUnusedOnlyAdminMixin(NoBulkDeleteAdminMixin):
    """Rows that others point to are kept: no bulk delete, and the delete view only for a row
    that ``in_use`` finds unused (one typed by mistake). A row in use is retired another way
    (a status, "available for claims")."""

    def in_use(self, obj) -> bool:
        raise NotImplementedError

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.in_use(obj):
            return False
        return super().has_delete_permission(request, obj)


class ReadOnlyAdminMixin(NoDeleteAdminMixin):
    """View only: written by the services, shown to operators as it is."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StrictIdsAdminMixin:
    """The form's foreign-key and many-to-many fields read ids the strict way (``lib.forms``):
    ``²``, ``1.0`` or 2^63 posted for a related row is the field's "select a valid choice",
    never a 500. Django's own fields pass such a value to a query (on SQLite 2^63 overflows in
    ``pk__in``), and its autocomplete select looks a refused value up to draw it again."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", IdChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", IdMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
