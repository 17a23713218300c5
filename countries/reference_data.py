"""Loading the States, regional groups and report regions from the files in countries/data/.

The functions take the model classes as arguments so that the data migration can pass its
historical models and the `load_countries` command the current ones; both run the same code.
Rows missing from the database are created. Existing rows are left as staff edited them, unless
`update_existing` asks to bring them back in line with the files. Either way a second run with
the same files changes nothing.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel import Locale

DATA_DIR = Path(__file__).resolve().parent / "data"
STATES_FILE = DATA_DIR / "states.csv"
GROUPINGS_FILE = DATA_DIR / "groupings.yaml"

# Babel locale for each stored language (the UN writes Chinese in simplified characters).
CLDR_LOCALES = {"ar": "ar", "zh": "zh_Hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}
STATE_COLUMNS = [
    "iso2",
    "iso3",
    "m49",
    "un_name",
    "name_in_sentence",
    "status",
    "regional_group",
    "report_region",
]


@dataclass(frozen=True)
class LoadSummary:
    created: int
    updated: int
    unchanged: int


def un_sort_key(name: str) -> str:
    """UN alphabetical order: accents ignored, so "Côte d'Ivoire" follows "Costa Rica"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def cldr_names(iso2: str) -> dict[str, str]:
    return {lang: Locale.parse(loc).territories[iso2] for lang, loc in CLDR_LOCALES.items()}


def read_states(path: Path = STATES_FILE) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != STATE_COLUMNS:
            raise ValueError(f"{path}: expected columns {STATE_COLUMNS}, found {reader.fieldnames}")
        return [dict(row) for row in reader]


def load_groupings(
    group_model, region_model, path: Path = GROUPINGS_FILE, *, update_existing: bool = False
) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for model, rows in (
        (group_model, data["regional_groups"]),
        (region_model, data["report_regions"]),
    ):
        existing = {item.code: item for item in model.objects.all()}
        for row in rows:
            values = {key: value for key, value in row.items() if key != "code"}
            _upsert(
                model, existing.get(row["code"]), {"code": row["code"]}, values, update_existing
            )


def load_states(
    country_model,
    group_model,
    region_model,
    path: Path = STATES_FILE,
    *,
    update_existing: bool = False,
) -> LoadSummary:
    """Create the States of the file that are missing; with `update_existing`, also re-apply it."""
    groups = {g.code: g for g in group_model.objects.all()}
    regions = {r.code: r for r in region_model.objects.all()}
    existing = {c.iso3: c for c in country_model.objects.all()}
    created = updated = unchanged = 0
    for row in read_states(path):
        group = groups[row["regional_group"]] if row["regional_group"] else None
        values = {
            "iso2": row["iso2"],
            "m49": row["m49"],
            "un_name": row["un_name"],
            "name_in_sentence": row["name_in_sentence"],
            "sort_key": un_sort_key(row["un_name"]),
            "status": row["status"],
            "regional_group_id": group.pk if group else None,
            "report_region_id": regions[row["report_region"]].pk,
            "names": cldr_names(row["iso2"]),
        }
        outcome = _upsert(
            country_model, existing.get(row["iso3"]), {"iso3": row["iso3"]}, values, update_existing
        )
        created += outcome == "created"
        updated += outcome == "updated"
        unchanged += outcome == "unchanged"
    return LoadSummary(created=created, updated=updated, unchanged=unchanged)


def _upsert(model, instance, key: dict, values: dict, update_existing: bool) -> str:
    """Create; or, when asked, update only the fields that differ (a reload touches nothing)."""
    if instance is None:
        model.objects.create(**key, **values)
        return "created"
    changed = [field for field, value in values.items() if getattr(instance, field) != value]
    if not changed or not update_existing:
        return "unchanged"
    for field in changed:
        setattr(instance, field, values[field])
    instance.save(update_fields=[*changed, "updated_at"])
    return "updated"
