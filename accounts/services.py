"""Writes for accounts: the secretariat's role groups."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

REVIEWERS = "Secretariat reviewers"
ADMINISTRATORS = "Secretariat administrators"
OBSERVERS = "Observers"

_VIEW = {"content_type__app_label__in": ["reports", "countries"], "codename__startswith": "view_"}


@transaction.atomic
def ensure_role_groups() -> dict[str, Group]:
    """The three secretariat roles as groups with their permissions; safe to run again."""
    view = Permission.objects.filter(**_VIEW)
    review = Permission.objects.filter(content_type__app_label="reports", codename="review_report")
    everything = Permission.objects.filter(
        content_type__app_label__in=["reports", "countries", "accounts"]
    )
    groups = {}
    for name, permissions in (
        (OBSERVERS, view),
        (REVIEWERS, view | review),
        (ADMINISTRATORS, everything),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        groups[name] = group
    return groups
