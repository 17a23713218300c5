"""django-axes, fitted to the sign-in pages: the same words for a wrong password, an unknown
address and a locked account, so the page never tells whether an account exists."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext


def cool_off_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def sign_in_refused_message() -> str:
    minutes = cool_off_minutes()
    return ngettext(
        "The e-mail address or password is not right, or the account is temporarily locked "
        "after too many attempts. Check them and try again; a locked account can sign in again "
        "in %(minutes)d minute.",
        "The e-mail address or password is not right, or the account is temporarily locked "
        "after too many attempts. Check them and try again; a locked account can sign in again "
        "in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def username_of(request: HttpRequest, credentials: dict | None = None) -> str:
    """Attempts count per address whatever its spelling ("Ana@Gov.example" = "ana@gov.example")."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "")
    return str(raw or "").strip().lower()


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials=None):
    """What a locked-out attempt answers: the sign-in page as after a wrong password."""
    from accounts.two_factor_views import SignInView, forget_pending_sign_in

    forget_pending_sign_in(request)
    return SignInView.refused(request)


def client_address(request: HttpRequest) -> str | None:
    """The client's address for counting sign-in failures.

    With TRUSTED_PROXY_COUNT proxies in front (production), each appends the address it received
    the request from to X-Forwarded-For, so the entry that many places from the right is the
    client as the outermost trusted proxy saw it; entries further left were sent by the client
    and could be anything. Without proxies, or without the header, REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return hops[-proxies]
