"""Writes for the countries app."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from countries.models import Country, CountryMembership, RegionalGroup, ReportRegion
from countries.reference_data import LoadSummary, load_groupings, load_states


@transaction.atomic
def sync_reference_countries(*, update_existing: bool = False) -> LoadSummary:
    """Create the States, regional groups and report regions of countries/data/ that are missing.

    With `update_existing`, rows that differ from the files are brought back in line with them
    (staff edits to those fields are then overwritten).
    """
    load_groupings(RegionalGroup, ReportRegion, update_existing=update_existing)
    return load_states(Country, RegionalGroup, ReportRegion, update_existing=update_existing)


class MembershipRefused(Exception):
    """An invitation or change the acting person may not make; the message says why."""


def invite_focal_point(
    *, country: Country, email: str, role: str, invited_by, site_url: str
) -> CountryMembership:
    """Give a person (new or existing) a role for the country and e-mail them a link.

    A new person gets an account without a password and a link to choose one. Sent after the
    transaction commits, so a rolled-back invitation sends nothing.
    """
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise MembershipRefused(
            _("%(email)s is not a valid e-mail address.") % {"email": repr(email)}
        ) from error
    if role not in CountryMembership.Role.values:
        raise MembershipRefused(_("Choose the colleague's role."))
    User = get_user_model()
    with transaction.atomic():
        user, created = User.objects.get_or_create(email=email)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        # Someone invited before who never chose a password gets a new link to choose one.
        needs_password = not user.has_usable_password()
        membership, _created = CountryMembership.objects.update_or_create(
            user=user, country=country, defaults={"role": role, "is_active": True}
        )
        transaction.on_commit(
            lambda: _send_invitation(
                user, country, invited_by, site_url, needs_password=needs_password
            )
        )
    return membership


def _send_invitation(user, country, invited_by, site_url: str, *, needs_password: bool) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    if needs_password:
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    else:
        path = reverse("login")
    context = {
        "country": country,
        "invited_by": invited_by,
        "link": site_url.rstrip("/") + path,
        "needs_password": needs_password,
    }
    # In the language the person chose, else in the one of the colleague who invites them.
    with translation.override(user.preferred_language or translation.get_language()):
        send_mail(
            subject=_("PoA Reports: you are a focal point of %(country)s")
            % {"country": country.un_name},
            message=render_to_string("countries/invitation_email.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )


def deactivate_membership(*, membership: CountryMembership, acting_user) -> None:
    if membership.user_id == acting_user.pk:
        raise MembershipRefused(_("You cannot remove yourself; ask another submitter."))
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
