"""Which questions the assistance and transfer statistics read (reports/data/statistics.yaml)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

CONFIG_FILE = Path(__file__).resolve().parent.parent / "data" / "statistics.yaml"


@dataclass(frozen=True)
class AssistanceTable:
    question: str
    topic_column: str
    description_column: str
    region_column: str = ""


@dataclass(frozen=True)
class TransferTable:
    key: str
    label: str
    question: str
    category_column: str
    quantity_column: str


@dataclass(frozen=True)
class StatisticsConfig:
    requested: AssistanceTable
    offered: AssistanceTable
    any_region: str
    transfers: tuple[TransferTable, ...]


@functools.cache
def statistics_config() -> StatisticsConfig:
    data = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    assistance = data["assistance"]
    return StatisticsConfig(
        requested=AssistanceTable(**assistance["requested"]),
        offered=AssistanceTable(**assistance["offered"]),
        any_region=assistance.get("any_region", ""),
        transfers=tuple(TransferTable(**item) for item in data.get("transfers", [])),
    )
