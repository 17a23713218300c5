"""Writes for the countries app."""

from django.db import transaction

from countries.models import Country, RegionalGroup, ReportRegion
from countries.reference_data import LoadSummary, load_groupings, load_states


@transaction.atomic
def sync_reference_countries() -> LoadSummary:
    """Bring the States, regional groups and report regions in line with countries/data/."""
    load_groupings(RegionalGroup, ReportRegion)
    return load_states(Country, RegionalGroup, ReportRegion)
