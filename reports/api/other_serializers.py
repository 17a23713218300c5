"""What the API shows of a cycle's statistics, a compile, a summary report and a rendered PDF.

The statistics are read by `reports.statistics.selectors.dashboard` (stored results, a fixed
number of queries) and shaped here; nothing is written through these serializers.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.models import RenderedPdf, StatisticsRun, SummaryReport


class CompileRunSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_status_display")
    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = StatisticsRun
        fields = [
            "id",
            "status",
            "label",
            "progress",
            "step",
            "reason",
            "error",
            "active",
            "created_at",
            "started_at",
            "finished_at",
        ]


class HeadlineSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField()
    counting_rule = serializers.CharField()
    states_total = serializers.IntegerField()
    reports_counted = serializers.IntegerField()
    reporting_rate = serializers.FloatField()
    previous_year = serializers.IntegerField(allow_null=True)
    first_time = serializers.ListField(child=serializers.CharField(), help_text="ISO3 codes")
    lapsed = serializers.ListField(child=serializers.CharField(), help_text="ISO3 codes")


class GroupingSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    states = serializers.IntegerField()
    reported = serializers.IntegerField()
    first_time = serializers.IntegerField()
    rate = serializers.FloatField()


class ChoiceCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class NumericSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    sum = serializers.IntegerField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    min = serializers.IntegerField(allow_null=True)
    max = serializers.IntegerField(allow_null=True)


class RegionCellSerializer(serializers.Serializer):
    region = serializers.CharField()
    name = serializers.CharField()
    shown = serializers.IntegerField()
    answered = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)
    yes = ChoiceCountSerializer(source="main", allow_null=True, help_text="Yes/no questions")
    total = serializers.IntegerField(allow_null=True, help_text="Number questions: the sum")


class QuestionRowSerializer(serializers.Serializer):
    code = serializers.CharField(source="question.code")
    text = serializers.CharField(source="question.text")
    type = serializers.CharField(source="question.type")
    shown = serializers.IntegerField()
    answered = serializers.IntegerField()
    answered_percent = serializers.IntegerField(allow_null=True)
    choices = ChoiceCountSerializer(many=True)
    numeric = NumericSerializer(allow_null=True)
    regions = RegionCellSerializer(many=True)


class SectionRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    reported = serializers.IntegerField()
    reports = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)
    regions = RegionCellSerializer(many=True)
    questions = QuestionRowSerializer(many=True)


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    items = serializers.IntegerField()
    states = serializers.IntegerField()
    rows = serializers.IntegerField()
    by_region = serializers.DictField(child=serializers.IntegerField())


class TableTotalsSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    question = serializers.CharField(source="question.code")
    unit_column = serializers.CharField()
    states = serializers.IntegerField()
    items = serializers.IntegerField()
    categories = CategorySerializer(many=True)


class AssistanceEntrySerializer(serializers.Serializer):
    country = serializers.CharField(source="country.iso3")
    country_name = serializers.CharField(source="country.un_name")
    region = serializers.CharField(source="country.report_region.code")
    target_region = serializers.CharField()
    description = serializers.CharField()


class MatchSerializer(serializers.Serializer):
    offerer = serializers.CharField(source="offerer.iso3")
    same_region = serializers.BooleanField()
    rank = serializers.IntegerField()


class RequestWithMatchesSerializer(AssistanceEntrySerializer):
    matches = serializers.SerializerMethodField()

    @extend_schema_field(MatchSerializer(many=True))
    def get_matches(self, entry) -> list[dict]:
        found = self.context.get("matches", {}).get((entry.topic, entry.country_id), [])
        return MatchSerializer(found, many=True).data


class AssistanceTopicSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    requests = serializers.SerializerMethodField()
    offers = AssistanceEntrySerializer(many=True)

    @extend_schema_field(RequestWithMatchesSerializer(many=True))
    def get_requests(self, topic) -> list[dict]:
        matches = {(topic.code, requester): found for requester, found in topic.matches.items()}
        return RequestWithMatchesSerializer(
            topic.requests, many=True, context={"matches": matches}
        ).data


class StatisticsSerializer(serializers.Serializer):
    cycle = serializers.IntegerField()
    compiled = serializers.BooleanField(help_text="Whether statistics have been compiled yet")
    compile = CompileRunSerializer(allow_null=True, help_text="The latest compile, if any")
    headline = HeadlineSerializer(allow_null=True)
    regions = GroupingSerializer(many=True)
    groups = GroupingSerializer(many=True)
    sections = SectionRowSerializer(many=True)
    tables = TableTotalsSerializer(many=True)
    assistance = AssistanceTopicSerializer(many=True)


def statistics_payload(board) -> dict:
    stats = board.stats
    headline = None
    if stats is not None:
        headline = {
            "computed_at": stats.computed_at,
            "counting_rule": stats.counting_rule,
            "states_total": stats.states_total,
            "reports_counted": stats.reports_counted,
            "reporting_rate": stats.reporting_rate,
            "previous_year": stats.previous_year,
            "first_time": [c.iso3 for c in board.first_time],
            "lapsed": [c.iso3 for c in board.lapsed],
        }
    return {
        "cycle": board.cycle.year,
        "compiled": stats is not None,
        "compile": board.latest_run,
        "headline": headline,
        "regions": board.regions,
        "groups": board.groups,
        "sections": board.sections,
        "tables": board.transfers,
        "assistance": board.assistance,
    }


class SummaryReportSerializer(serializers.ModelSerializer):
    cycle = serializers.IntegerField(source="cycle.year")

    class Meta:
        model = SummaryReport
        fields = ["id", "cycle", "symbol", "session", "title", "date", "created_at", "updated_at"]


class PdfStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=RenderedPdf.Status.choices, allow_null=True, help_text="null: never requested"
    )
    label = serializers.CharField()
    progress = serializers.IntegerField()
    step = serializers.CharField()
    error = serializers.CharField()
    active = serializers.BooleanField()
    pages = serializers.IntegerField(allow_null=True)
    size = serializers.IntegerField(allow_null=True)
    download_url = serializers.CharField(allow_null=True, help_text="Set once the PDF is ready")


def pdf_status(report: SummaryReport, document: RenderedPdf | None) -> dict:
    ready = bool(document and document.status == RenderedPdf.Status.DONE and document.file)
    return {
        "status": document.status if document else None,
        "label": document.get_status_display() if document else _("Not made yet"),
        "progress": document.progress if document else 0,
        "step": document.step if document else "",
        "error": document.error if document else "",
        "active": bool(document and document.is_active),
        "pages": document.pages if ready else None,
        "size": document.size if ready else None,
        "download_url": reverse("api:summary-pdf-download", args=[report.pk]) if ready else None,
    }
