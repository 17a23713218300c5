"""The interface language: the switcher in every page's header posts to set_language, which
remembers the choice in a cookie and, for a signed-in person, on their account; the middleware
then applies the saved choice on every request, so it follows the person to any browser."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

SUPPORTED = {code for code, _name in settings.LANGUAGES}


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie + redirect to `next`), plus the person's saved preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if language in SUPPORTED and user.is_authenticated and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


class PreferredLanguageMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: a signed-in person's saved language
    wins over the cookie and the browser's Accept-Language. The response refreshes the cookie, so
    the page right after signing in, and the pages after signing out, keep that language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        preferred = self._preferred(request)
        if preferred:
            translation.activate(preferred)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # Signing in happens during the request: look again at who is signed in now.
        preferred = self._preferred(request)
        if preferred and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != preferred:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                preferred,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    @staticmethod
    def _preferred(request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        language = getattr(user, "preferred_language", "")
        return language if language in SUPPORTED else ""
