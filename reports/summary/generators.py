"""The kinds of generated paragraph: what each reports on, its default wording and its table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Generator:
    key: str
    label: str
    wording: str
    table: str = ""  # a table printed after the paragraph (see document.TABLES)


GENERATORS: dict[str, Generator] = {
    g.key: g
    for g in [
        Generator(
            "reporting",
            "Reports submitted",
            "As at {due_date}, {reports:State} had submitted a national report on their "
            "implementation of the Programme of Action and the International Tracing Instrument "
            "for the {meeting}, that is, {rate} of all States.[^The national reports are "
            "available on the PoA Reports portal.] {first_time:State} reported for the first "
            "time, while {lapsed:State} that had reported in {previous_year} did not report "
            "in {year}.",
        ),
        Generator(
            "regions",
            "Reporting by region",
            "Reporting rates differed across regions: {region_reports:africa} of the "
            "{region_states:africa} States of Africa reported ({region_rate:africa}), "
            "{region_reports:americas} of the {region_states:americas} States of the Americas "
            "({region_rate:americas}), {region_reports:asia_pacific} of the "
            "{region_states:asia_pacific} States of Asia and the Pacific "
            "({region_rate:asia_pacific}) and {region_reports:europe} of the "
            "{region_states:europe} States of Europe ({region_rate:europe}).",
            table="regions",
        ),
        Generator(
            "topics",
            "Implementation by topic",
            "Of the {reports} States that submitted a report:\n"
            "- {yes:1.1} reported having a national coordination agency ({yes_rate:1.1});\n"
            "- {yes:1.2} reported having a national action plan ({yes_rate:1.2});\n"
            "- {yes:2.3} required each weapon to be marked at manufacture ({yes_rate:2.3});\n"
            "- {yes:3.3} required an end-user certificate before authorizing an export "
            "({yes_rate:3.3});\n"
            "- {yes:8.5} kept records of the small arms and light weapons in their territory "
            "({yes_rate:8.5}).",
            table="topics",
        ),
        Generator(
            "tracing",
            "Tracing",
            "States reported having sent {sum:9.3} tracing requests to other States and having "
            "received {sum:9.4}, of which {sum:9.5} were answered during the reporting period.",
        ),
        Generator(
            "transfers",
            "International transfers",
            "{transfer_states:exports:State} reported exports of small arms and light weapons "
            "during the reporting period, totalling {transfer_items:exports} items, and "
            "{transfer_states:imports:State} reported imports totalling "
            "{transfer_items:imports} items, by the subcategories of the United Nations Register "
            "of Conventional Arms.",
            table="transfers",
        ),
        Generator(
            "assistance",
            "Assistance requested and offered",
            "{requesting:State} requested assistance to implement the instruments and "
            "{offering:State} offered it. The topics on which assistance was most requested "
            "were {top_requested}. For {matched} requests, at least one State offered "
            "assistance on the same topic; offers from or for the same region were matched "
            "first.",
            table="assistance",
        ),
    ]
}
