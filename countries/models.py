from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.db import TimeStampedModel

# The languages whose CLDR names are stored for every State (the six official UN languages).
NAME_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")


class RegionalGroup(TimeStampedModel):
    """One of the five UN regional groups."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ReportRegion(TimeStampedModel):
    """A region of the Secretary-General report's regional sections."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    heading = models.CharField(
        max_length=80, help_text="Heading used in the report's regional sections"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class CountryQuerySet(models.QuerySet):
    def members(self) -> CountryQuerySet:
        return self.filter(status=Country.Status.MEMBER)

    def with_groupings(self) -> CountryQuerySet:
        return self.select_related("regional_group", "report_region")


class Country(TimeStampedModel):
    """A UN Member State or non-member observer State."""

    class Status(models.TextChoices):
        MEMBER = "member", "Member State"
        OBSERVER = "observer", "Non-member observer State"

    iso2 = models.CharField("ISO alpha-2", max_length=2, unique=True)
    iso3 = models.CharField("ISO alpha-3", max_length=3, unique=True)
    m49 = models.CharField("M49 code", max_length=3, unique=True)
    un_name = models.CharField("UN short name", max_length=120, unique=True)
    name_in_sentence = models.CharField(
        max_length=130, help_text='The form used inside a sentence, e.g. "the Niger"'
    )
    sort_key = models.CharField(
        max_length=120, db_index=True, editable=False, help_text="UN alphabetical order"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MEMBER)
    regional_group = models.ForeignKey(
        RegionalGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="countries"
    )
    report_region = models.ForeignKey(
        ReportRegion, on_delete=models.PROTECT, related_name="countries"
    )
    names = models.JSONField(
        default=dict, blank=True, help_text="Names in the six official languages, from CLDR"
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.un_name

    def save(self, *args, **kwargs) -> None:
        # The UN order follows the name, so it is derived from it on every save.
        from countries.reference_data import un_sort_key

        self.sort_key = un_sort_key(self.un_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)

    def name_for(self, language: str) -> str:
        """The State's name in one of the official languages, falling back to the UN name."""
        base = language.split("-")[0].lower()
        if base == "en":
            return self.un_name
        return self.names.get(base) or self.un_name


class CountryMembership(TimeStampedModel):
    """A person acting for a State: its national focal point(s)."""

    class Role(models.TextChoices):
        CONTRIBUTOR = "contributor", _("Contributor (edits drafts)")
        SUBMITTER = "submitter", _("Submitter (edits, submits and recalls)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.CONTRIBUTOR)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["country__sort_key", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "country"], name="one_membership_per_country")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.country} ({self.get_role_display()})"
