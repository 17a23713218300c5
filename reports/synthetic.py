"""Plausible synthetic reports for the demo and for benchmarks.

Values are drawn per question type, follow-ups are answered only when their parent's answer
shows them, and every value goes through `clean_answer`, so synthetic data obeys the same rules
as typed data.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator, Sequence
from typing import Any

from reports.answers import clean_answer
from reports.models import ColumnType, Question, QuestionType, ReportingCycle

# How likely a State of each report region is to have a measure in place: reporting and
# implementation differ widely by region, and the statistics should show it.
REGION_CAPACITY = {"europe": 0.85, "americas": 0.7, "asia_pacific": 0.6, "africa": 0.55}

SENTENCES = [
    "The national commission on small arms and light weapons coordinates the work of the "
    "ministries concerned and meets every quarter.",
    "Draft legislation was submitted to parliament during the reporting period.",
    "Procedures are set out in the regulations implementing the Firearms Act.",
    "Inspections of stockpiles are carried out twice a year by the armed forces and the police.",
    "Weapons seized in criminal proceedings are destroyed once the judicial process ends.",
    "Public awareness campaigns were conducted in schools and through national radio.",
    "Records are kept in a central electronic register managed by the national police.",
    "Tracing requests are handled by the national central bureau of INTERPOL.",
    "Training on marking and record-keeping was provided to customs officers.",
    "The competent authority verifies end-user certificates with the importing State.",
]
GIVEN_NAMES = [
    "Amina",
    "Carlos",
    "Mei",
    "Olga",
    "Youssef",
    "Claire",
    "Kwame",
    "Ana",
    "Ivan",
    "Leila",
]
FAMILY_NAMES = ["Diallo", "García", "Chen", "Petrova", "Haddad", "Martin", "Mensah", "Silva"]
POSITIONS = ["Director, Arms Control Division", "Counsellor", "Head of Section", "Desk officer"]
ORGANIZATIONS = ["Ministry of Foreign Affairs", "Ministry of Interior", "National Police"]


class SyntheticAnswers:
    """Draws a plausible answer for each question of a questionnaire."""

    def __init__(self, rng: random.Random, country_codes: Sequence[str]) -> None:
        self.rng = rng
        self.country_codes = list(country_codes)
        known = set(country_codes)
        self._known = lambda codes: known & set(codes)

    def for_report(
        self,
        questions: Sequence[Question],
        *,
        capacity: float,
        cycle: ReportingCycle,
        iso2: str,
        completeness: float = 0.85,
    ) -> Iterator[tuple[Question, Any]]:
        """Yield (question, clean value) for the questions a State would answer."""
        given: dict[int, Any] = {}
        for question in questions:
            if question.type == QuestionType.FILE:
                continue
            if question.show_if_question_id and not _shown(question, given):
                continue
            if not question.required and self.rng.random() > completeness:
                continue
            value = clean_answer(
                question,
                self._value(question, capacity, cycle, iso2),
                known_countries=self._known,
            )
            if value is not None:
                given[question.pk] = value
                yield question, value

    def _value(self, question: Question, capacity: float, cycle: ReportingCycle, iso2: str):
        rng = self.rng
        qtype = question.type
        if qtype == QuestionType.YES_NO_DEVELOPING:
            draw = rng.random()
            return "yes" if draw < capacity else "developing" if draw < capacity + 0.12 else "no"
        if qtype == QuestionType.YES_NO:
            return "yes" if rng.random() < capacity else "no"
        if qtype == QuestionType.SINGLE_CHOICE:
            return rng.choice(question.choices)["code"]
        if qtype == QuestionType.MULTI_CHOICE:
            ticked = [c["code"] for c in question.choices if rng.random() < 0.25 + capacity / 2]
            other = ""
            if question.allow_other and rng.random() < 0.1:
                ticked.append("other")
                other = "Other measures provided for in national regulations."
            return {"choices": ticked or [question.choices[0]["code"]], "other": other}
        if qtype == QuestionType.INTEGER:
            return self._number(question.min_value, question.max_value, question.unit)
        if qtype == QuestionType.TEXT:
            return rng.choice(SENTENCES)
        if qtype == QuestionType.DATE:
            return self._date(cycle)
        if qtype == QuestionType.CONTACT:
            given_name, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
            return {
                "name": f"{given_name} {family}",
                "position": rng.choice(POSITIONS),
                "organization": rng.choice(ORGANIZATIONS),
                "address": "",
                "phone": f"+{rng.randint(1, 999)} {rng.randint(1000000, 9999999)}",
                "email": f"{given_name.lower()}.{iso2.lower()}@example.org",
            }
        if qtype == QuestionType.TABLE:
            rows = rng.randint(max(question.min_rows, 0), min(question.max_rows or 3, 3))
            return [self._row(question.columns, cycle, iso2) for _ in range(rows)]
        return None

    def _number(self, minimum: int | None, maximum: int | None, unit: str = "") -> int:
        low = minimum or 0
        if "year" in unit:  # record-keeping periods: decades, not centuries
            high = min(maximum, 60) if maximum is not None else 60
        else:
            high = maximum if maximum is not None else int(10 ** self.rng.uniform(1, 4))
        return self.rng.randint(low, max(low, high))

    def _date(self, cycle: ReportingCycle) -> datetime.date:
        span = (cycle.period_end - cycle.period_start).days
        return (
            cycle.period_start
            - datetime.timedelta(days=self.rng.randint(0, 3650))
            + datetime.timedelta(days=self.rng.randint(0, span))
        )

    def _row(self, columns: list[dict], cycle: ReportingCycle, iso2: str) -> dict[str, Any]:
        rng = self.rng
        row: dict[str, Any] = {}
        for column in columns:
            ctype = column["type"]
            if not column.get("required") and rng.random() < 0.3:
                continue
            if ctype == ColumnType.TEXT:
                row[column["code"]] = rng.choice(SENTENCES)[:120]
            elif ctype == ColumnType.INTEGER:
                row[column["code"]] = self._number(column.get("min"), column.get("max"))
            elif ctype == ColumnType.DATE:
                row[column["code"]] = self._date(cycle)
            elif ctype == ColumnType.URL:
                row[column["code"]] = (
                    f"https://www.gov.example/{iso2.lower()}/{rng.randint(1, 999)}"
                )
            elif ctype == ColumnType.CHOICE:
                row[column["code"]] = rng.choice(column["choices"])["code"]
            elif ctype == ColumnType.COUNTRY:
                row[column["code"]] = rng.choice(self.country_codes)
            elif ctype == ColumnType.YES_NO:
                row[column["code"]] = rng.choice(["yes", "no"])
        return row


def _shown(question: Question, given: dict[int, Any]) -> bool:
    parent_value = given.get(question.show_if_question_id)
    if parent_value is None:
        return False
    if isinstance(parent_value, dict):  # a check-all parent: shown if any listed code is ticked
        return bool(set(parent_value["choices"]) & set(question.show_if_values))
    return parent_value in question.show_if_values
