"""People sign in with their e-mail address, whatever its case."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_addresses_are_stored_in_lower_case_and_match_any_case(client):
    user = get_user_model().objects.create_user("Ana.Diallo@Gov.Example", "a-good-test-password")
    assert user.email == "ana.diallo@gov.example"
    assert client.login(email="ANA.DIALLO@gov.example", password="a-good-test-password")


def test_staff_can_add_a_user_in_the_admin(staff_client):
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.org",
            "password1": "a-long-enough-password-42",
            "password2": "a-long-enough-password-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert get_user_model().objects.filter(email="new.person@example.org").exists()


def test_the_same_address_in_another_case_is_refused_with_a_message(staff_client):
    UserFactory(email="focal@example.org")
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "FOCAL@example.org",
            "password1": "a-long-enough-password-42",
            "password2": "a-long-enough-password-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "A user with this e-mail address already exists." in response.content.decode()
    assert get_user_model().objects.filter(email__iexact="focal@example.org").count() == 1


def test_the_user_change_page_opens(staff_client):
    user = UserFactory()
    assert (
        staff_client.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code == 200
    )
