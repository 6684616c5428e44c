"""What every admin of ours shares: nothing is deleted, the audit trail is read-only, and the
parameters of a request (ids posted to a form, a changelist's filters) are read the strict way."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList

from lib.forms import IdChoiceField, IdMultipleChoiceField
from lib.params import parse_int


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


# The date hierarchy's parts: a year whose first or last day stays a datetime in any time zone.
DATE_PARTS = {"year": (1900, 9998), "month": (1, 12), "day": (1, 31)}


class StrictChangeList(ChangeList):
    """A changelist that reads its filters the strict way. A NUL in any filter value (Django
    passes the value to the query, and PostgreSQL text cannot hold one), or a date hierarchy
    ``<field>__year``, ``__month`` or ``__day`` that is not ASCII digits within ``DATE_PARTS``
    (Django's ``int()`` reads "٣" and " 1", and 2^63 or year 1 overflows ``datetime`` or its
    time-zone conversion), is the changelist's "wrong parameters" answer, a redirect to
    ``?e=1``: never a 500."""

    def get_filters(self, request):
        for key, values in self.filter_params.items():
            if "\x00" in key or any("\x00" in value for value in values):
                raise IncorrectLookupParameters(f"{key[:40]!r}: a NUL character")
        if self.date_hierarchy:
            for part, (low, high) in DATE_PARTS.items():
                for value in self.filter_params.get(f"{self.date_hierarchy}__{part}", ()):
                    if parse_int(value, minimum=low, maximum=high) is None:
                        raise IncorrectLookupParameters(f"{self.date_hierarchy}__{part}: {value[:20]!r}")
        return super().get_filters(request)


class StrictAdminMixin(StrictIdsAdminMixin):
    """Every model admin of the portal's (``tests/security/test_fuzz.py`` checks them all): ids
    posted to its forms read the strict way, and its changelist is ``StrictChangeList``."""

    def get_changelist(self, request, **kwargs):
        return StrictChangeList
