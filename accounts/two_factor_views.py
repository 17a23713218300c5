"""Signing in with two steps, and the person's "Two-step verification" pages.

Sign-in: the password first. Someone with an authenticator is not signed in yet: the session only
remembers who is half-way (PENDING_KEY) until the code (or a recovery code) is right; five wrong
codes end that. Secretariat staff without an authenticator are signed in and sent to set one up;
TwoFactorMiddleware lets them reach nothing else until they have.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import two_factor
from accounts.forms import CodeForm, SignInForm
from accounts.lockout import locked_out

PENDING_KEY = "_two_factor_pending"
PENDING_SECONDS = 10 * 60  # time to type the code after the password


def max_code_failures() -> int:
    return settings.AXES_FAILURE_LIMIT


def forget_pending_sign_in(request: HttpRequest) -> None:
    if hasattr(request, "session"):
        request.session.pop(PENDING_KEY, None)


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


class SignInView(LoginView):
    """Django's LoginView with the shared refusal message and the second step."""

    form_class = SignInForm
    template_name = "registration/login.html"

    def form_valid(self, form: SignInForm) -> HttpResponse:
        user = form.get_user()
        forget_pending_sign_in(self.request)
        next_url = self.get_success_url()
        if two_factor.has_two_factor(user):
            self.request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "next": next_url,
                "started": int(time.time()),
                "failures": 0,
            }
            return redirect("two-factor-verify")
        auth_login(self.request, user)
        if two_factor.requires_two_factor(user):
            return redirect(f"{reverse('two-factor-setup')}?{urlencode({'next': next_url})}")
        return redirect(next_url)

    @classmethod
    def refused(cls, request: HttpRequest) -> HttpResponse:
        """The sign-in page after a refused attempt, exactly as after a wrong password."""
        data = request.POST.copy()
        if "username" not in data:  # refused at the code step: keep the address typed earlier
            data["username"] = ""
        form = SignInForm(request, data=data, refused=True)
        next_url = request.POST.get("next") or request.GET.get("next", "")
        return render(request, cls.template_name, {"form": form, "next": next_url})


@never_cache
def admin_sign_in_view(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The Django admin's own sign-in form takes the password alone and signs the person in
    (which also wipes their failed codes from the lockout count): it hands over to this one."""
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(_safe_next(request, next_url))


def _pending(request: HttpRequest):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("started", 0) > PENDING_SECONDS:
        forget_pending_sign_in(request)
        return None, None
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        forget_pending_sign_in(request)
        return None, None
    return pending, user


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app, or one of the recovery codes."""
    pending, user = _pending(request)
    if pending is None:
        messages.info(
            request, _("Please sign in: the code must follow the password within ten minutes.")
        )
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return _verify_page(request, form, status=400 if request.method == "POST" else 200)
    if not AxesProxyHandler.is_allowed(request, {"username": user.email}):
        # Locked since the password was typed: refused as the password step would be, and no
        # code is tried (a right one would sign in and end the lock).
        return locked_out(request)
    result = two_factor.check_code(user=user, code=form.cleaned_data["code"])
    if result.wait_seconds:
        form.add_error(
            "code",
            ngettext(
                "Too many wrong codes in a row; wait %(seconds)d second and type the newest code.",
                "Too many wrong codes in a row; wait %(seconds)d seconds and type the newest code.",
                result.wait_seconds,
            )
            % {"seconds": result.wait_seconds},
        )
        return _verify_page(request, form, status=429)
    if not result.ok:
        return _wrong_code(request, form, pending, user)
    forget_pending_sign_in(request)
    user.backend = pending["backend"]
    auth_login(request, user, backend=pending["backend"])
    django_otp.login(request, result.device)
    if result.used_recovery_code:
        messages.warning(
            request,
            ngettext(
                "You signed in with a recovery code; it cannot be used again. You have "
                "%(left)d left — make new ones under Two-step verification "
                "if you are running out or have lost your phone.",
                "You signed in with a recovery code; it cannot be used again. You have "
                "%(left)d left — make new ones under Two-step verification "
                "if you are running out or have lost your phone.",
                result.recovery_codes_left,
            )
            % {"left": result.recovery_codes_left},
        )
    return redirect(_safe_next(request, pending.get("next")))


def _wrong_code(request: HttpRequest, form: CodeForm, pending: dict, user) -> HttpResponse:
    pending["failures"] = pending.get("failures", 0) + 1
    request.session[PENDING_KEY] = pending
    # Wrong codes count towards the lockout of the address, like wrong passwords.
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)
    if pending["failures"] >= max_code_failures():
        forget_pending_sign_in(request)
        messages.error(request, _("Too many wrong codes. Please sign in again."))
        return redirect("login")
    left = max_code_failures() - pending["failures"]
    form.add_error(
        "code",
        ngettext(
            "That code is not right. Type the code your app shows now (%(left)d try left).",
            "That code is not right. Type the code your app shows now (%(left)d tries left).",
            left,
        )
        % {"left": left},
    )
    return _verify_page(request, form, status=400)


def _verify_page(request: HttpRequest, form: CodeForm, *, status: int) -> HttpResponse:
    return render(request, "registration/login_verify.html", {"form": form}, status=status)


# -- the person's pages -------------------------------------------------------------------------


def _no_cache(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def account_view(request: HttpRequest) -> HttpResponse:
    """Whether two-step verification is on, and what the person can do about it."""
    user = request.user
    enabled = two_factor.has_two_factor(user)
    return _no_cache(
        render(
            request,
            "accounts/two_factor.html",
            {
                "enabled": enabled,
                "required": two_factor.requires_two_factor(user),
                "device": two_factor.app_device(user) if enabled else None,
                "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
                "form": CodeForm(),
            },
        )
    )


@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setup_view(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key), then confirm with the first code from the app."""
    user = request.user
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_app(user=user, code=form.cleaned_data["code"])
        except two_factor.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            django_otp.login(request, two_factor.app_device(user))
            user.has_two_factor = True
            messages.success(request, _("Two-step verification is on."))
            return _recovery_codes_page(request, codes, next_url=_safe_next(request, next_url))
    if request.method == "POST":
        status = 400
    device = two_factor.pending_app_device(user)
    return _no_cache(
        render(
            request,
            "accounts/two_factor_setup.html",
            {
                "form": form,
                "qr_svg": two_factor.qr_svg(device),
                "secret": two_factor.secret_text(device),
                "replacing": two_factor.has_two_factor(user),
                "required": two_factor.requires_two_factor(user),
                "next": next_url,
            },
            status=status,
        )
    )


def _recovery_codes_page(request: HttpRequest, codes: list[str], *, next_url: str):
    return _no_cache(
        render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": next_url})
    )


@login_required
@require_POST
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes, shown once; the earlier ones stop working."""
    if not two_factor.has_two_factor(request.user):
        messages.error(request, _("Turn two-step verification on first."))
        return redirect("two-factor")
    codes = two_factor.new_recovery_codes(user=request.user)
    messages.success(request, _("New recovery codes made; the earlier ones no longer work."))
    return _recovery_codes_page(request, codes, next_url=reverse("two-factor"))


@sensitive_post_parameters("code")
@login_required
@require_POST
def disable_view(request: HttpRequest) -> HttpResponse:
    """Turn two-step verification off (focal points), with a current code."""
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor.disable(user=request.user, code=form.cleaned_data["code"])
        except two_factor.TwoFactorError as error:
            # Staff have no such form on their page: the refusal is shown above it.
            form.add_error(None if two_factor.requires_two_factor(request.user) else "code", error)
        else:
            request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
            messages.success(request, _("Two-step verification is off."))
            return redirect("two-factor")
    user = request.user
    return _no_cache(
        render(
            request,
            "accounts/two_factor.html",
            {
                "enabled": two_factor.has_two_factor(user),
                "required": two_factor.requires_two_factor(user),
                "device": two_factor.app_device(user),
                "codes_left": two_factor.recovery_codes_left(user),
                "form": form,
            },
            status=400,
        )
    )
