"""Form fields that read ids the strict way (``lib.params``) before they reach the database:
a value such as ``²`` or 2^63 is the field's own "not a valid choice" error, never a 500 (the
stock fields pass it to a query, where ``int()`` or the driver raises)."""

from django import forms
from django.core.exceptions import ValidationError

from lib.params import parse_id


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and self.to_field_name is None and parse_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if parse_id(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)
