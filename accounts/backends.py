"""The sign-in backend: Django's, with whether the person uses two-step verification loaded in the
same query as the user on every request (the two-step middleware reads it)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts.two_factor import confirmed_app_exists


class EmailBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.annotate(has_two_factor=confirmed_app_exists())
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
