"""The sign-in form."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's sign-in form with the username's length checked. Django sets the field's
    ``max_length`` only after the field is built, so no validator checks it: a longer name went
    on to ``authenticate()`` and into the failure record of django-axes, which keeps 255
    characters of it (on PostgreSQL a longer one was a 500 on the sign-in page). Now it is the
    field's own error and nothing is recorded."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
