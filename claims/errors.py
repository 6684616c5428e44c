"""Domain errors raised by the claim services. Views turn them into messages, never 500s."""

from django.utils.translation import gettext_lazy as _


class ClaimError(Exception):
    """A rule refused the change. ``message`` is safe to show to the user."""

    default_message = _("This change is not allowed.")

    def __init__(self, message=None, *, code: str = ""):
        self.message = message or self.default_message
        self.code = code
        super().__init__(str(self.message))


class InvalidTransition(ClaimError):
    default_message = _("This action is not possible in the claim's current status.")


class ClaimChanged(ClaimError):
    """The claim changed since the form was loaded (optimistic concurrency)."""

    default_message = _("This claim changed while you were working on it. Reload to see the latest version.")


class NotAllowed(ClaimError):
    default_message = _("You are not allowed to do this.")


class ValidationFailed(ClaimError):
    """Submission checks failed; ``issues`` lists them (claims.validation.Issue)."""

    default_message = _("The claim has errors. Correct the marked fields and submit again.")

    def __init__(self, issues, message=None):
        self.issues = issues
        super().__init__(message)
