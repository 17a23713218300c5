"""Bodies and answers of the API's report creation, confirmation of copied answers, workbook
upload and history. Writes go through the services (reports.services), never `.save()`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from reports.api.report_serializers import AnyValueField
from reports.models import NationalReport, ReportEvent


def _no_unknown_fields(serializer: serializers.Serializer, allowed: set[str]) -> None:
    unknown = sorted(set(serializer.initial_data) - allowed)
    if unknown:
        raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})


# -- starting a report ---------------------------------------------------------------------


class ReportCreateSerializer(serializers.Serializer):
    country = serializers.CharField(max_length=3, help_text="ISO 3166 alpha-3 code, e.g. GHA")
    cycle = serializers.IntegerField(
        min_value=1, max_value=9999, help_text="The cycle's year, e.g. 2026"
    )
    prefill = serializers.BooleanField(
        default=False,
        help_text="Start from the State's last accepted report: its answers are copied and "
        "marked as copied until confirmed or changed",
    )
    language = serializers.ChoiceField(
        choices=NationalReport.Language.choices,
        default=NationalReport.Language.ENGLISH,
        help_text="The report's language (kept as it is when the report exists already)",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _no_unknown_fields(self, {"country", "cycle", "prefill", "language"})
        return attrs


# -- confirming copied answers -------------------------------------------------------------


class ConfirmSerializer(serializers.Serializer):
    questions = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        max_length=1000,
        help_text='Question codes, e.g. ["1.1", "1.2"]',
    )
    section = serializers.CharField(
        required=False, max_length=10, help_text='A section\'s code, e.g. "1": all its questions'
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _no_unknown_fields(self, {"questions", "section"})
        if ("questions" in attrs) == ("section" in attrs):
            raise serializers.ValidationError(_("Give either questions or section (one of them)."))
        return attrs


class ConfirmedSerializer(serializers.Serializer):
    confirmed = serializers.ListField(
        child=serializers.CharField(),
        help_text="The codes of the answers confirmed now (those copied and not yet confirmed)",
    )


# -- workbook ------------------------------------------------------------------------------


class WorkbookUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="The workbook downloaded from workbook/ (or the report's page), filled in; "
        ".xlsx, at most 10 MB",
    )


class WorkbookResultSerializer(serializers.Serializer):
    checked = serializers.IntegerField(help_text="Answers found in the workbook and checked")
    changed = serializers.IntegerField(help_text="Answers the workbook changed")
    questions = serializers.ListField(
        child=serializers.CharField(), help_text="The codes of the answers changed"
    )


# -- history -------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.email", allow_null=True, default=None, help_text="Who; null for the system"
    )
    question = serializers.CharField(source="question.code", allow_null=True, default=None)
    old_value = AnyValueField(allow_null=True, help_text="Edits: the answer before")
    new_value = AnyValueField(allow_null=True, help_text="Edits: the answer after")

    class Meta:
        model = ReportEvent
        fields = [
            "id",
            "kind",
            "created_at",
            "actor",
            "question",
            "from_status",
            "to_status",
            "old_value",
            "new_value",
            "message",
        ]
