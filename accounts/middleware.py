from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's; it is put in the language
    cookie's place before LocaleMiddleware reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # AuthenticationMiddleware runs later; read the session's user lazily via the cookie.
        if user is None:
            from django.contrib.auth import get_user

            user = get_user(request)
            request._cached_user = user  # AuthenticationMiddleware reuses it: one user query, not two
        if user.is_authenticated and user.language in dict(settings.LANGUAGES):
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = user.language
            translation.activate(user.language)
        return self.get_response(request)
