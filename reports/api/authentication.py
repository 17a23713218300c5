"""Personal API tokens in the Authorization header: "Bearer poa_…" (or "Token poa_…")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.tokens import InvalidToken, check_token
from accounts.two_factor import has_two_factor, requires_two_factor


class TokenAuthenticationFailed(exceptions.AuthenticationFailed):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(detail=message, code=code)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise TokenAuthenticationFailed(
                "token_malformed", _('Send the token as "Authorization: Bearer poa_…".')
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise TokenAuthenticationFailed(
                "token_malformed", _("The token is not a PoA Reports API token.")
            ) from error
        try:
            token = check_token(raw)
        except InvalidToken as error:
            raise TokenAuthenticationFailed(error.code, error.message) from error
        if requires_two_factor(token.user) and not has_two_factor(token.user):
            # Staff act only with two-step verification, with a token too: a token made before
            # the person joined the secretariat (or before their lost authenticator was removed)
            # waits until they set one up, as their session would.
            raise exceptions.PermissionDenied(
                detail=_(
                    "Set up two-step verification (required for secretariat staff) before using "
                    "the API."
                ),
                code="two_factor_setup_required",
            )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "reports.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (poa_…), created in your profile.",
        }
