"""What the API shows of each object. Writes go through the services, never `serializer.save()`."""

from __future__ import annotations

from rest_framework import serializers

from countries.models import Country
from reports.models import (
    NationalReport,
    Question,
    QuestionnaireVersion,
    ReportingCycle,
    Section,
)


class CountrySerializer(serializers.ModelSerializer):
    report_region = serializers.CharField(source="report_region.code")
    regional_group = serializers.CharField(source="regional_group.code", allow_null=True)

    class Meta:
        model = Country
        fields = [
            "iso3",
            "iso2",
            "m49",
            "un_name",
            "name_in_sentence",
            "status",
            "report_region",
            "regional_group",
            "names",
        ]


class CycleSerializer(serializers.ModelSerializer):
    questionnaire = serializers.CharField(source="questionnaire.code")
    meeting_name = serializers.CharField(read_only=True)
    meeting_dates = serializers.SerializerMethodField(
        help_text='The meeting\'s dates in English, e.g. "16–20 June 2014" ("" while not set); '
        "meeting_starts_on and meeting_ends_on give them as dates."
    )
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = ReportingCycle
        fields = [
            "year",
            "meeting_type",
            "meeting_number",
            "meeting_name",
            "meeting_dates",
            "meeting_starts_on",
            "meeting_ends_on",
            "period_start",
            "period_end",
            "opens_on",
            "due_on",
            "closes_on",
            "is_open",
            "questionnaire",
            "counting_rule",
        ]

    def get_meeting_dates(self, cycle: ReportingCycle) -> str:
        # English whatever the request's language: clients read the text the field always held.
        return cycle.meeting_dates_in("en")

    def get_is_open(self, cycle: ReportingCycle) -> bool:
        return cycle.is_open()


class QuestionSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.code")
    show_if_question = serializers.CharField(
        source="show_if_question.code", allow_null=True, default=None
    )
    choices = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = [
            "code",
            "section",
            "position",
            "text",
            "help",
            "type",
            "required",
            "citations",
            "choices",
            "columns",
            "min_value",
            "max_value",
            "max_length",
            "unit",
            "min_rows",
            "max_rows",
            "multiple",
            "show_if_question",
            "show_if_values",
        ]

    def get_choices(self, question: Question) -> list[dict[str, str]]:
        return question.choice_list()


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["code", "title", "help", "position"]


class QuestionnaireSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionnaireVersion
        fields = ["code", "title", "description", "checksum"]


class QuestionnaireDetailSerializer(QuestionnaireSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta(QuestionnaireSerializer.Meta):
        fields = [*QuestionnaireSerializer.Meta.fields, "sections", "questions"]


class ReportSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso3")
    country_name = serializers.CharField(source="country.un_name")
    region = serializers.CharField(source="country.report_region.code")
    cycle = serializers.IntegerField(source="cycle.year")
    current_revision = serializers.SerializerMethodField()

    class Meta:
        model = NationalReport
        fields = [
            "id",
            "country",
            "country_name",
            "region",
            "cycle",
            "status",
            "language",
            "submitted_at",
            "current_revision",
            "created_at",
            "updated_at",
        ]

    def get_current_revision(self, report: NationalReport) -> int | None:
        """The accepted revision's number (annotated by the list query, read otherwise)."""
        if hasattr(report, "current_revision_number"):
            return report.current_revision_number
        return report.current_revision.number if report.current_revision_id else None
