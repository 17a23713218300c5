"""A country's submitters invite and remove colleagues; invitations arrive by e-mail."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from countries.models import CountryMembership
from tests.factories import country

pytestmark = pytest.mark.django_db


def team_url():
    return reverse("country-team", args=[country("GHA").pk])


def test_a_submitter_invites_a_new_colleague_who_chooses_a_password(
    client, submitter, django_capture_on_commit_callbacks
):
    client.force_login(submitter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            team_url(), {"email": "New.Colleague@gov.example", "role": "contributor"}
        )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new.colleague@gov.example")
    assert not user.has_usable_password()
    assert user.memberships.get().role == "contributor"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.colleague@gov.example"]
    assert "focal point of Ghana" in message.subject
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    client.logout()
    form = client.get(link, follow=True)
    assert b"Choose a password" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-strong-pass-2026", "new_password2": "a-strong-pass-2026"},
    )
    assert done.status_code == 302
    assert client.login(email="new.colleague@gov.example", password="a-strong-pass-2026")


def test_an_invalid_address_gets_a_message_and_keeps_what_was_typed(client, submitter):
    client.force_login(submitter)
    response = client.post(team_url(), {"email": "not-an-address", "role": "contributor"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not a valid e-mail address" in html and 'value="not-an-address"' in html


def test_a_contributor_cannot_invite(client, contributor):
    client.force_login(contributor)
    assert (
        client.post(team_url(), {"email": "x@gov.example", "role": "submitter"}).status_code == 403
    )
    assert not get_user_model().objects.filter(email="x@gov.example").exists()


def test_another_countrys_focal_point_gets_404(client, other_focal):
    client.force_login(other_focal)
    assert client.get(team_url()).status_code == 404


def test_removing_a_colleague_but_not_oneself(client, submitter, contributor):
    client.force_login(submitter)
    colleague = contributor.memberships.get()
    client.post(team_url(), {"remove": colleague.pk})
    colleague.refresh_from_db()
    assert not colleague.is_active
    own = submitter.memberships.get()
    response = client.post(team_url(), {"remove": own.pk}, follow=True)
    assert "You cannot remove yourself" in response.content.decode()
    assert CountryMembership.objects.get(pk=own.pk).is_active


def test_password_reset_by_e_mail(client, submitter):
    response = client.post(reverse("password_reset"), {"email": "submitter@gh.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
