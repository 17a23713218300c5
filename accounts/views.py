"""The signed-in person's own pages: their personal API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import ApiToken
from accounts.tokens import DEFAULT_DAYS, MAX_DAYS, TokenError, create_token, revoke_token


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("What the token is for, e.g. the program that will use it."),
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        label=gettext_lazy("Valid for (days)"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Formatted here, in the language of the request (a lazy plural cannot be %-formatted).
        self.fields["days"].help_text = ngettext(
            "From 1 to %(max)d day.", "From 1 to %(max)d days.", MAX_DAYS
        ) % {"max": MAX_DAYS}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name


def _page(request: HttpRequest, form: TokenForm, *, new_token: str = "", status: int = 200):
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token, "max_days": MAX_DAYS},
        status=status,
    )
    # The page may show a token in full: never keep it in a cache.
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens_view(request: HttpRequest) -> HttpResponse:
    """The list of the person's tokens and the form creating one.

    A new token is shown in full in the answer to the POST, once; it is stored only as a hash.
    """
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        token, raw = create_token(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
    except TokenError as error:
        form.add_error(None, str(error))
        return _page(request, form, status=400)
    messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
    return _page(request, TokenForm(), new_token=raw)


@login_required
@require_POST
def revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = revoke_token(user=request.user, token_id=token_id)
    except TokenError:
        messages.error(request, _("There is no such token among yours."))
        return redirect("api-tokens")
    messages.success(
        request, _("Token “%(name)s” revoked; it no longer works.") % {"name": token.name}
    )
    return redirect("api-tokens")
