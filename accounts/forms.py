"""Forms of the e-mail-based user model: the admin's, sign-in and the second step."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserChangeForm, UserCreationForm
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from accounts.lockout import sign_in_refused_message
from accounts.models import User


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class SignInForm(AuthenticationForm):
    """The sign-in form. A wrong password, an unknown address and a locked account all get the
    same message (see accounts.lockout), so the page never tells whether an account exists."""

    def __init__(self, request=None, *args, refused: bool = False, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.refused = refused
        self.error_messages = {**self.error_messages, "invalid_login": sign_in_refused_message()}

    def full_clean(self) -> None:
        if not self.refused:
            super().full_clean()
            return
        # A locked-out attempt: no authentication at all, only the shared message.
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.add_error(None, sign_in_refused_message())

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(sign_in_refused_message(), code="invalid_login")


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or (where allowed) a recovery code."""

    code = forms.CharField(
        max_length=20,
        strip=True,
        error_messages={"required": _("Type the code.")},
    )
