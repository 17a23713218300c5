"""Two-step verification: an authenticator app (TOTP) and ten one-time recovery codes.

Secretariat staff (is_staff) must use it; focal points may turn it on. A person's authenticator
is one confirmed TOTPDevice named "Authenticator app"; their recovery codes live in one
StaticDevice named "Recovery codes". A session counts as verified once django-otp's
`otp_device_id` is in it (django_otp.login), which only the sign-in step and the set-up write.
"""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass

import segno
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

security_log = logging.getLogger("accounts.security")


class TwoFactorError(ValueError):
    """A request about two-step verification that cannot be done; the message says why."""


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking a code typed by the person."""

    device: Device | None = None
    used_recovery_code: bool = False
    recovery_codes_left: int = 0
    wait_seconds: int = 0  # > 0: too many wrong codes in a row, nothing was checked

    @property
    def ok(self) -> bool:
        return self.device is not None


def requires_two_factor(user) -> bool:
    """Secretariat staff cannot use the site without two-step verification."""
    return bool(user.is_authenticated and user.is_staff)


def confirmed_app_exists():
    """An Exists() over a user's confirmed authenticator, for annotating the user query."""
    return Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))


def has_two_factor(user) -> bool:
    """Whether the person has turned two-step verification on (a confirmed authenticator).

    The sign-in backend annotates `has_two_factor` on the user it loads for each request, so the
    middleware needs no query of its own; other user objects ask the database.
    """
    if not user.is_authenticated:
        return False
    annotated = getattr(user, "has_two_factor", None)
    if annotated is not None:
        return bool(annotated)
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_is_verified(request) -> bool:
    """The session's person gave a second factor at sign-in (or when setting it up)."""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY)) and has_two_factor(request.user)


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# -- setting up --------------------------------------------------------------------------------


def pending_app_device(user) -> TOTPDevice:
    """The authenticator being set up (unconfirmed), created once so a reload shows the same key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, drawn here (no outside service)."""
    code = segno.make(device.config_url, error="m")
    return code.svg_inline(scale=5, border=2, dark="#1a1a1a", light="#ffffff", title=_("QR code"))


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]+", "", code or "").lower()


@transaction.atomic
def confirm_app(*, user, code: str) -> list[str]:
    """Turn two-step verification on with the first code from the app; returns new recovery codes.

    Any older authenticator is replaced: a person has one app at a time.
    """
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None:
        raise TwoFactorError(_("The set-up has expired; start again."))
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        raise TwoFactorError(_("Too many wrong codes in a row; wait a few seconds and try again."))
    if not _normalise(code).isdigit() or not device.verify_token(_normalise(code)):
        raise TwoFactorError(
            _(
                "That code is not right. Type the 6-digit code your app shows now "
                "(check the time on your phone if it keeps failing)."
            )
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.name = APP_DEVICE_NAME
    device.save(update_fields=["confirmed", "name"])
    codes = new_recovery_codes(user=user)
    security_log.info("two-factor enabled user=%s", user.pk)
    return codes


@transaction.atomic
def new_recovery_codes(*, user) -> list[str]:
    """Ten fresh recovery codes (shown once); the earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _number in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    security_log.info("recovery codes regenerated user=%s", user.pk)
    return [format_recovery_code(code) for code in codes]


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


# -- signing in --------------------------------------------------------------------------------


def check_code(*, user, code: str) -> CodeCheck:
    """A code from the app (6 digits) or a recovery code (each works once)."""
    typed = _normalise(code)
    if not typed:
        return CodeCheck()
    if typed.isdigit():
        return _check_with(app_device(user), typed)
    checked = _check_with(recovery_device(user), typed)
    if checked.device is None:
        return checked
    # The recovery device deleted the code as it verified it: it cannot be used again.
    left = checked.device.token_set.count()
    security_log.info("recovery code used user=%s left=%s", user.pk, left)
    return CodeCheck(device=checked.device, used_recovery_code=True, recovery_codes_left=left)


def _check_with(device, typed: str) -> CodeCheck:
    """One device's verdict on a code: django-otp's wait after wrong codes first, then the code,
    checked with the device row locked so two requests cannot both use one code."""
    if device is None:
        return CodeCheck()
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return CodeCheck(wait_seconds=_seconds_until((info or {}).get("locked_until")))
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        if locked.verify_token(typed):
            return CodeCheck(device=locked)
    return CodeCheck()


def _seconds_until(moment) -> int:
    from django.utils import timezone

    if moment is None:
        return 1
    return max(1, int((moment - timezone.now()).total_seconds()) + 1)


# -- turning off --------------------------------------------------------------------------------


@transaction.atomic
def disable(*, user, code: str) -> None:
    """Turn two-step verification off (focal points only), with a current code as proof."""
    if requires_two_factor(user):
        raise TwoFactorError(_("Secretariat staff cannot turn two-step verification off."))
    result = check_code(user=user, code=code)
    if result.wait_seconds:
        raise TwoFactorError(
            ngettext(
                "Too many wrong codes in a row; wait %(seconds)d second and try again.",
                "Too many wrong codes in a row; wait %(seconds)d seconds and try again.",
                result.wait_seconds,
            )
            % {"seconds": result.wait_seconds}
        )
    if not result.ok:
        raise TwoFactorError(_("That code is not right; nothing was changed."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    security_log.info("two-factor disabled user=%s", user.pk)


# -- the demo ---------------------------------------------------------------------------------


def ensure_demo_device(user) -> tuple[str, list[str]]:
    """A confirmed authenticator and recovery codes for a demo account; safe to run again.

    Returns the key (base32) and the recovery codes still unused, so the demo can print them.
    """
    device = app_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)
    if recovery_device(user) is None:
        new_recovery_codes(user=user)
    codes = StaticToken.objects.filter(device__user=user).order_by("pk")
    return secret_text(device), [format_recovery_code(t.token) for t in codes]
