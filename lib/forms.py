"""Form fields that read ids the strict way (``lib.params``) before they reach the database:
a value such as ``²`` or 2^63 is the field's own "not a valid choice" error, never a 500 (the
stock fields pass it to a query, where ``int()`` or the driver raises).

A value that is no id is not drawn as the chosen row either (a refused form drawn again, or an
initial value from the query string): a widget that looks the chosen rows up to draw them, as
the admin's autocomplete select does, would query it. The admin's foreign-key and many-to-many
fields are these fields too (``lib.admin.StrictIdsAdminMixin``).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from lib.params import parse_id


def _by_integer_key(field) -> bool:
    """Whether the field's rows are looked up by an integer column (the primary key, or the
    ``to_field_name`` it names): only then is a value that is no id refused."""
    if field.queryset is None:
        return False
    opts = field.queryset.model._meta
    target = opts.get_field(field.to_field_name) if field.to_field_name else opts.pk
    return isinstance(target, models.IntegerField)  # AutoField and BigAutoField are IntegerFields


def _is_id(value) -> bool:
    return parse_id(str(value)) is not None


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and _by_integer_key(self) and not _is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def prepare_value(self, value):
        value = super().prepare_value(value)
        if value not in self.empty_values and _by_integer_key(self) and not _is_id(value):
            return None  # not drawn (and so not looked up) as the chosen row
        return value


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        if isinstance(value, (list, tuple)):  # before prepare_value, which drops what is no id
            self._check_ids(value)
        return super().clean(value)

    def _check_values(self, value):
        self._check_ids(value)
        return super()._check_values(value)

    def _check_ids(self, value):
        if _by_integer_key(self):
            for pk in value:
                if not hasattr(pk, "_meta") and not _is_id(pk):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )

    def prepare_value(self, value):
        value = super().prepare_value(value)
        if isinstance(value, (list, tuple)) and _by_integer_key(self):
            return [v for v in value if _is_id(v)]  # not drawn (and so not looked up) as chosen rows
        return value
