"""The values a generated paragraph's wording template can use, read from a cycle's statistics.

Each placeholder is documented in PLACEHOLDERS (shown to staff beside the editor). Numbers follow
UN style (see numbers.py); a placeholder that opens a sentence is spelled out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countries.models import Country, ReportRegion
from countries.names import grouping_name
from reports.languages import django_language, document_language, un_date
from reports.models import (
    ALL_REGIONS,
    AssistanceEntry,
    ChoiceStatistic,
    CycleStatistics,
    GroupingStatistic,
    Question,
    QuestionStatistic,
    ReportingCycle,
    SectionStatistic,
)
from reports.summary.numbers import (
    capitalize_first,
    counted,
    plain_list,
    state_list,
    un_number,
    un_percent,
)
from reports.summary.wording import WordingError

# What each placeholder stands for, in the editor's language; the placeholders themselves and the
# English examples of the document's wording stay as they are.
PLACEHOLDERS: list[tuple[str, str]] = [
    ("{reports}", gettext_lazy("number of States whose report is counted")),
    (
        "{reports:State}",
        gettext_lazy('the same with its noun: "one State", "68 States", "no State"'),
    ),
    ("{states}", gettext_lazy("number of States (195)")),
    ("{rate}", gettext_lazy('share of States that reported, e.g. "62 per cent"')),
    ("{first_time}", gettext_lazy("number of first-time reporters")),
    ("{first_time_states}", gettext_lazy("their names, in UN order")),
    (
        "{lapsed}",
        gettext_lazy("number of States that reported in the previous cycle but not this one"),
    ),
    ("{lapsed_states}", gettext_lazy("their names")),
    ("{previous_year}", gettext_lazy("the previous cycle's year")),
    ("{year}", gettext_lazy("the cycle's year")),
    ("{meeting}", gettext_lazy('e.g. "Ninth Biennial Meeting of States"')),
    ("{meeting_dates}", gettext_lazy('the meeting\'s dates, e.g. "1–5 June 2026"')),
    ("{due_date}", gettext_lazy('e.g. "31 March 2026"')),
    (
        "{region_reports:africa}",
        gettext_lazy("reports from a region (africa, americas, asia_pacific, europe)"),
    ),
    ("{region_states:africa}", gettext_lazy("States in the region")),
    ("{region_rate:africa}", gettext_lazy("share of the region's States that reported")),
    ("{region_name:africa}", gettext_lazy("the region's name")),
    ("{region_states_list:africa}", gettext_lazy("the region's reporting States, by name")),
    (
        "{yes:1.1}",
        gettext_lazy("reports answering yes to question 1.1 (also {no:…}, {developing:…})"),
    ),
    ("{yes_rate:1.1}", gettext_lazy("their share of the reports that answered it")),
    ("{answered:9.3}", gettext_lazy("reports answering question 9.3")),
    ("{sum:9.3}", gettext_lazy("the sum of a number question (also {median:…})")),
    ("{choice:3.3.1:end_user}", gettext_lazy("reports ticking a choice (also {choice_rate:…})")),
    ("{section_rate:5}", gettext_lazy("share of reports covering section 5")),
    ("{requesting}", gettext_lazy("States requesting assistance")),
    ("{offering}", gettext_lazy("States offering assistance")),
    ("{matched}", gettext_lazy("requests with at least one matching offer")),
    ("{top_requested}", gettext_lazy("the three topics most requested")),
    (
        "{transfer_states:exports}",
        gettext_lazy("States reporting exports (or imports); {…:exports:State}"),
    ),
    ("{transfer_items:exports}", gettext_lazy("items exported (or imported)")),
]


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "Marking" -> "marking", but acronyms stay ("DDR", "SDG")."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


@dataclass
class StatisticsValues:
    """Resolves placeholders against one cycle's stored statistics."""

    cycle: ReportingCycle
    stats: CycleStatistics | None

    def __call__(self, name: str, args: list[str], sentence_start: bool) -> str:
        method = getattr(self, f"value_{name}", None)
        if method is None:
            raise WordingError(
                _("%(placeholder)s is not a placeholder this report knows.")
                % {"placeholder": f"{{{name}}}"}
            )
        if self.stats is None and name not in ("year", "meeting", "meeting_dates", "due_date"):
            raise WordingError(
                _("%(placeholder)s: the statistics of %(year)s have not been compiled yet.")
                % {"placeholder": f"{{{name}}}", "year": self.cycle.year}
            )
        return method(args, sentence_start)

    # -- helpers --------------------------------------------------------------------------

    def _number(self, value: int, start: bool, args: list[str] | None = None) -> str:
        """A number in UN style; with a noun argument ({reports:State}) the noun agrees:
        "one State", "three States", "no State"."""
        if args:
            return counted(value, args[-1], sentence_start=start)
        return un_number(value, sentence_start=start)

    def _need(self, args: list[str], count: int, example: str) -> list[str]:
        if len(args) != count:
            raise WordingError(_("write it as %(example)s.") % {"example": example})
        return args

    @cached_property
    def _countries(self) -> dict[str, Country]:
        return {c.iso3: c for c in Country.objects.all()}

    def _states(self, codes: list[str], start: bool) -> str:
        return state_list(
            [self._countries[c] for c in codes if c in self._countries], sentence_start=start
        )

    @cached_property
    def _regions(self) -> dict[str, GroupingStatistic]:
        return {
            g.code: g for g in self.stats.groupings.all() if g.kind == GroupingStatistic.Kind.REGION
        }

    def _region(self, args: list[str], name: str) -> GroupingStatistic:
        (code,) = self._need(args, 1, f"{{{name}:africa}}")
        if code not in self._regions:
            known = ", ".join(self._regions)
            raise WordingError(
                _("%(placeholder)s: no region %(region)s (regions: %(known)s).")
                % {"placeholder": f"{{{name}:{code}}}", "region": repr(code), "known": known}
            )
        return self._regions[code]

    @cached_property
    def _questions(self) -> dict[str, Question]:
        return {q.code: q for q in Question.objects.filter(version_id=self.cycle.questionnaire_id)}

    @cached_property
    def _question_stats(self) -> dict[int, QuestionStatistic]:
        return {
            s.question_id: s
            for s in QuestionStatistic.objects.filter(statistics=self.stats, region=ALL_REGIONS)
        }

    @cached_property
    def _choices(self) -> dict[tuple[int, str], int]:
        return {
            (question_id, code): count
            for question_id, code, count in ChoiceStatistic.objects.filter(
                statistics=self.stats, region=ALL_REGIONS
            ).values_list("question_id", "code", "count")
        }

    def _question(self, args: list[str], name: str, extra: int = 0) -> tuple[Question, list[str]]:
        example = f"{{{name}:1.1{':code' * extra}}}"
        if len(args) != 1 + extra:
            raise WordingError(_("write it as %(example)s.") % {"example": example})
        question = self._questions.get(args[0])
        if question is None:
            raise WordingError(
                _("%(placeholder)s: there is no question %(code)s.")
                % {"placeholder": f"{{{name}:{args[0]}}}", "code": args[0]}
            )
        return question, args[1:]

    def _answered(self, question: Question) -> int:
        stat = self._question_stats.get(question.pk)
        return stat.answered if stat else 0

    # -- the placeholders -----------------------------------------------------------------

    def value_reports(self, args, start):
        return self._number(self.stats.reports_counted, start, args)

    def value_states(self, args, start):
        return self._number(self.stats.states_total, start, args)

    def value_rate(self, args, start):
        return un_percent(self.stats.reporting_rate * 100, sentence_start=start)

    def value_first_time(self, args, start):
        return self._number(len(self.stats.first_time), start, args)

    def value_first_time_states(self, args, start):
        return self._states(self.stats.first_time, start)

    def value_lapsed(self, args, start):
        return self._number(len(self.stats.lapsed), start, args)

    def value_lapsed_states(self, args, start):
        return self._states(self.stats.lapsed, start)

    def value_previous_year(self, args, start):
        if not self.stats.previous_year:
            raise WordingError(
                _("%(placeholder)s: %(year)s is the first cycle; reword the sentence.")
                % {"placeholder": "{previous_year}", "year": self.cycle.year}
            )
        return str(self.stats.previous_year)

    def value_year(self, args, start):
        return str(self.cycle.year)

    def value_meeting(self, args, start):
        # The document's language, not the editor's (the wording is filled outside override).
        with translation.override(django_language(document_language())):
            name = self.cycle.meeting_name
        return capitalize_first(name) if start else name

    def value_meeting_dates(self, args, start):
        if self.cycle.meeting_starts_on is None:
            raise WordingError(
                _("%(placeholder)s: the meeting's dates of %(year)s are not set yet.")
                % {"placeholder": "{meeting_dates}", "year": self.cycle.year}
            )
        return self.cycle.meeting_dates_in()  # UN style in the document's language

    def value_due_date(self, args, start):
        return un_date(self.cycle.due_on)  # UN style in the document's language

    def value_region_reports(self, args, start):
        return self._number(self._region(args, "region_reports").reported, start)

    def value_region_states(self, args, start):
        return self._number(self._region(args, "region_states").states, start)

    def value_region_rate(self, args, start):
        return un_percent(self._region(args, "region_rate").rate * 100, sentence_start=start)

    def value_region_name(self, args, start):
        with translation.override(django_language(document_language())):
            return grouping_name(self._region(args, "region_name").name)

    def value_region_states_list(self, args, start):
        region = self._region(args, "region_states_list")
        codes = [
            c
            for c in self.stats.reporters
            if c in self._countries
            and self._countries[c].report_region_id == self._region_ids[region.code]
        ]
        return self._states(codes, start)

    @cached_property
    def _region_ids(self) -> dict[str, int]:
        return dict(ReportRegion.objects.values_list("code", "pk"))

    def _choice_count(self, args, name: str, code: str) -> tuple[int, Question]:
        question, _rest = self._question(args, name)
        return self._choices.get((question.pk, code), 0), question

    def value_yes(self, args, start):
        return self._number(self._choice_count(args, "yes", "yes")[0], start)

    def value_no(self, args, start):
        return self._number(self._choice_count(args, "no", "no")[0], start)

    def value_developing(self, args, start):
        return self._number(self._choice_count(args, "developing", "developing")[0], start)

    def value_yes_rate(self, args, start):
        count, question = self._choice_count(args, "yes_rate", "yes")
        answered = self._answered(question)
        return un_percent(count / answered * 100 if answered else 0, sentence_start=start)

    def value_answered(self, args, start):
        question, _rest = self._question(args, "answered")
        return self._number(self._answered(question), start)

    def _numeric(self, args, name: str):
        question, _rest = self._question(args, name)
        stat = self._question_stats.get(question.pk)
        if stat is None or not stat.numeric_count:
            raise WordingError(
                _("%(placeholder)s: no number was given for %(code)s.")
                % {"placeholder": f"{{{name}:{args[0]}}}", "code": args[0]}
            )
        return stat

    def value_sum(self, args, start):
        return self._number(self._numeric(args, "sum").numeric_sum, start)

    def value_median(self, args, start):
        return self._number(round(self._numeric(args, "median").numeric_median), start)

    def value_choice(self, args, start):
        question, (code,) = self._question(args, "choice", extra=1)
        return self._number(self._choices.get((question.pk, code), 0), start)

    def value_choice_rate(self, args, start):
        question, (code,) = self._question(args, "choice_rate", extra=1)
        answered = self._answered(question)
        count = self._choices.get((question.pk, code), 0)
        return un_percent(count / answered * 100 if answered else 0, sentence_start=start)

    @cached_property
    def board(self):
        """The cycle's dashboard data (read once; the document's tables use it too)."""
        from reports.statistics.selectors import dashboard

        return dashboard(self.cycle)

    @cached_property
    def _sections(self) -> dict[str, SectionStatistic]:
        return {
            s.section.code: s
            for s in SectionStatistic.objects.filter(
                statistics=self.stats, region=ALL_REGIONS
            ).select_related("section")
        }

    def value_section_rate(self, args, start):
        (code,) = self._need(args, 1, "{section_rate:5}")
        stat = self._sections.get(code)
        if stat is None:
            raise WordingError(
                _("%(placeholder)s: there is no section %(code)s.")
                % {"placeholder": f"{{section_rate:{code}}}", "code": code}
            )
        return un_percent(stat.share * 100, sentence_start=start)

    @cached_property
    def _assistance(self) -> list[AssistanceEntry]:
        return [e for topic in self.board.assistance for e in (*topic.requests, *topic.offers)]

    def value_requesting(self, args, start):
        states = {e.country_id for e in self._assistance if e.kind == AssistanceEntry.Kind.REQUEST}
        return self._number(len(states), start, args)

    def value_offering(self, args, start):
        states = {e.country_id for e in self._assistance if e.kind == AssistanceEntry.Kind.OFFER}
        return self._number(len(states), start, args)

    def value_matched(self, args, start):
        matched = sum(
            1
            for topic in self.board.assistance
            for requester in topic.matches
            if topic.matches[requester]
        )
        return self._number(matched, start)

    def value_top_requested(self, args, start):
        from collections import Counter

        counts = Counter(
            e.topic for e in self._assistance if e.kind == AssistanceEntry.Kind.REQUEST
        )
        labels = {t.code: t.label for t in self.board.assistance}
        top = [_in_sentence(labels.get(code, code)) for code, _count in counts.most_common(3)]
        if not top:
            raise WordingError(
                _("%(placeholder)s: no State requested assistance; reword it.")
                % {"placeholder": "{top_requested}"}
            )
        text = plain_list(top)
        return capitalize_first(text) if start else text

    def _transfer(self, args, name: str):
        (key,) = self._need(args, 1, f"{{{name}:exports}}")
        tables = {t.key: t for t in self.board.transfers}
        if key not in tables:
            raise WordingError(
                _("%(placeholder)s: no transfer table %(table)s (%(known)s).")
                % {
                    "placeholder": f"{{{name}:{key}}}",
                    "table": repr(key),
                    "known": ", ".join(tables),
                }
            )
        return tables[key]

    def value_transfer_states(self, args, start):
        return self._number(self._transfer(args[:1], "transfer_states").states, start, args[1:])

    def value_transfer_items(self, args, start):
        return self._number(self._transfer(args, "transfer_items").items, start)
