"""Writes for the countries app."""

from django.db import transaction

from countries.models import Country, RegionalGroup, ReportRegion
from countries.reference_data import LoadSummary, load_groupings, load_states


@transaction.atomic
def sync_reference_countries(*, update_existing: bool = False) -> LoadSummary:
    """Create the States, regional groups and report regions of countries/data/ that are missing.

    With `update_existing`, rows that differ from the files are brought back in line with them
    (staff edits to those fields are then overwritten).
    """
    load_groupings(RegionalGroup, ReportRegion, update_existing=update_existing)
    return load_states(Country, RegionalGroup, ReportRegion, update_existing=update_existing)
