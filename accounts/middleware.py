"""Sign-in guards that run on every request.

TwoFactorMiddleware: a signed-in person who must give a second factor and has not reaches only the
two-step pages and "sign out" — secretariat staff without an authenticator are sent to set it up;
a session from before two-step verification was turned on must sign in again. Pages answer with a
redirect, the API (browser session) with a JSON 403 in the API's error shape. Requests carrying an
API token are left to the API: tokens are created from a verified session.

SessionActivityMiddleware: sessions end after SESSION_COOKIE_AGE seconds without a request. The
expiry is pushed forward at most once a minute instead of saving the session on every request.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.two_factor import has_two_factor, requires_two_factor, session_is_verified

ACTIVITY_KEY = "_last_activity"
ACTIVITY_RESOLUTION = 60  # seconds between two writes of the same session


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _carries_token(request: HttpRequest) -> bool:
    """An API request authenticating with a personal token, which the API checks itself (and
    refuses with 401 if it is not valid). Any other Authorization header, and every page, still
    needs the second step: otherwise a made-up header would let a session skip it."""
    scheme = request.headers.get("Authorization", "").strip().split(" ", 1)[0].lower()
    return _is_api(request) and scheme in ("bearer", "token")  # ApiTokenAuthentication.keywords


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or _carries_token(request):
            return None
        if request.path.startswith(("/" + settings.STATIC_URL.lstrip("/"), "/healthz")):
            return None
        if session_is_verified(request):
            return None
        if has_two_factor(user):
            # A session older than the person's two-step verification: sign in again.
            if _is_api(request):
                return _api_refusal(
                    "two_factor_required", _("Sign in again with your second step to use the API.")
                )
            logout(request)
            messages.info(
                request, _("Please sign in again: your account now uses two-step verification.")
            )
            return redirect_to_login(request.get_full_path())
        if not requires_two_factor(user):
            return None
        if request.path in _setup_paths():
            return None
        if _is_api(request):
            return _api_refusal(
                "two_factor_setup_required",
                _(
                    "Set up two-step verification (required for secretariat staff) before using "
                    "the API."
                ),
            )
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('two-factor-setup')}?{query}")


def _setup_paths() -> set[str]:
    """What staff without an authenticator may reach: the set-up, signing out, the language."""
    paths = {reverse("two-factor-setup"), reverse("logout")}
    with contextlib.suppress(NoReverseMatch):
        paths.add(reverse("set_language"))
    return paths


def _api_refusal(code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=403)


class SessionActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not getattr(request, "user", None):
            return response
        if not request.user.is_authenticated or session.is_empty():
            return response
        # Saving the session sets its expiry to now + SESSION_COOKIE_AGE (database and cookie).
        now = int(timezone.now().timestamp())
        if now - int(session.get(ACTIVITY_KEY, 0)) >= ACTIVITY_RESOLUTION:
            session[ACTIVITY_KEY] = now
        return response
