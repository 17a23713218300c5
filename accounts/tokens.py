"""Personal API tokens: created and revoked by their owner, stored hashed, with an expiry date.

A token reads "poa_<prefix>_<secret>". The prefix finds the row; the secret is compared with the
stored SHA-256 in constant time. The whole token is shown once, when it is created.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken

MAX_DAYS = 366
DEFAULT_DAYS = 90
MAX_ACTIVE = 20


class TokenError(ValueError):
    """A token request that cannot be granted; the message says why."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(*, user, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the full token text (shown only now)."""
    name = (name or "").strip()
    if not name or len(name) > 100 or "\x00" in name:
        raise TokenError(_("Give the token a name of at most 100 characters, e.g. the program's."))
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise TokenError(
            ngettext(
                "A token may last from 1 to %(max)d day.",
                "A token may last from 1 to %(max)d days.",
                MAX_DAYS,
            )
            % {"max": MAX_DAYS}
        )
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE:
        raise TokenError(
            ngettext(
                "You have %(count)d active token; revoke one first.",
                "You have %(count)d active tokens; revoke one first.",
                MAX_ACTIVE,
            )
            % {"count": MAX_ACTIVE}
        )
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=_digest(secret),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token, f"poa_{prefix}_{secret}"


def revoke_token(*, user, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise TokenError(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


class InvalidToken(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def check_token(raw: str) -> ApiToken:
    """The active token the text stands for, or InvalidToken saying why not."""
    parts = (raw or "").split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != "poa" or not parts[1] or not parts[2]:
        raise InvalidToken("token_malformed", _("The token is not a PoA Reports API token."))
    token = (
        ApiToken.objects.select_related("user")
        # Whether the owner has an authenticator (staff need one), in the same query.
        .annotate(
            owner_has_two_factor=Exists(
                TOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True)
            )
        )
        .filter(prefix=parts[1])
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(parts[2])):
        raise InvalidToken("token_invalid", _("The token is not valid."))
    if token.revoked_at is not None:
        raise InvalidToken("token_revoked", _("The token has been revoked."))
    if token.expires_at <= timezone.now():
        raise InvalidToken("token_expired", _("The token has expired; create a new one."))
    if not token.user.is_active:
        raise InvalidToken("token_invalid", _("The token is not valid."))
    token.user.has_two_factor = token.owner_has_two_factor  # read by two_factor.has_two_factor
    # At most one write a minute per token for "last used".
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
