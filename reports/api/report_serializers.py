"""What the API shows of a report's answers, comments, revisions, changes and files, and what it
accepts in request bodies. Writes go through the services (reports.services), never `.save()`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.api.errors import ErrorDetailSerializer
from reports.services.workflow import MAX_COMMENT

# -- answers -------------------------------------------------------------------------------

VALUE_HELP = (
    "The answer in the same JSON form as the revision snapshots: a choice code (yes/no, single "
    'choice), {"choices": [codes], "other": text} (check all that apply), a whole number, text, '
    "a date as YYYY-MM-DD, a contact block {name, position, organization, address, phone, email}, "
    "or a table as a list of rows {column code: value}. null means not answered."
)


@extend_schema_field(OpenApiTypes.ANY)
class AnyValueField(serializers.JSONField):
    """Any JSON value (its shape depends on the question's type)."""


class AnswerSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="The question's code, e.g. 2.1")
    value = AnyValueField(allow_null=True, help_text=VALUE_HELP)
    version = serializers.IntegerField(
        help_text="Raised by every change; 0 when the question has no answer"
    )
    updated_at = serializers.DateTimeField(allow_null=True)
    prefilled_from_year = serializers.IntegerField(
        allow_null=True,
        help_text="Copied from the report of this cycle and not yet confirmed or changed",
    )


class AnswerWriteSerializer(serializers.Serializer):
    value = AnyValueField(
        allow_null=True, help_text=VALUE_HELP + " An empty value removes the answer."
    )
    version = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        help_text=(
            "The version your value is based on (0 for a question without answer). Required "
            'unless given as the If-Match header ("3").'
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - {"value", "version"})
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return attrs


class CurrentAnswerSerializer(serializers.Serializer):
    value = AnyValueField(allow_null=True)
    version = serializers.IntegerField()


class ConflictSerializer(serializers.Serializer):
    """409: the answer changed since your version; nothing was changed."""

    error = ErrorDetailSerializer()
    current = CurrentAnswerSerializer(help_text="The stored answer and its version")


# -- workflow ------------------------------------------------------------------------------


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=MAX_COMMENT, help_text="Why: shown to the country's focal points"
    )


class IncompleteErrorDetailSerializer(ErrorDetailSerializer):
    missing = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="The codes of the required questions unanswered",
    )


class IncompleteErrorSerializer(serializers.Serializer):
    """409 for a submission with required answers missing."""

    error = IncompleteErrorDetailSerializer()


# -- comments ------------------------------------------------------------------------------


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField(
        allow_null=True, help_text="The question's code; null for a comment on the whole report"
    )
    by_secretariat = serializers.BooleanField()
    author = serializers.CharField(
        allow_null=True,
        help_text="The author's e-mail; null for the secretariat's comments seen by a country",
    )
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    shared_at = serializers.DateTimeField(
        allow_null=True, help_text="When the country could first read it"
    )


class CommentWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_COMMENT)
    question = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="A question's code; leave out for a comment on the whole report",
    )


# -- revisions and changes -----------------------------------------------------------------


class RevisionFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField(allow_null=True)


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    submitted_by = serializers.EmailField(allow_null=True)
    status_before = serializers.CharField(help_text="The report's status before this submission")
    recalled_at = serializers.DateTimeField(allow_null=True)
    recalled_by = serializers.EmailField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    accepted_by = serializers.EmailField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    superseded_at = serializers.DateTimeField(allow_null=True)


class RevisionDetailSerializer(RevisionSerializer):
    answers = serializers.DictField(
        child=AnyValueField(), help_text="{question code: answer} as submitted"
    )
    attachments = RevisionFileSerializer(many=True)


class RowChangeSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="added, removed or changed")
    old = serializers.DictField(child=AnyValueField(allow_null=True), allow_null=True)
    new = serializers.DictField(child=AnyValueField(allow_null=True), allow_null=True)
    changed_columns = serializers.ListField(child=serializers.CharField())


class AnswerChangeSerializer(serializers.Serializer):
    question = serializers.CharField()
    status = serializers.CharField(help_text="added, removed or changed")
    old = AnyValueField(allow_null=True)
    new = AnyValueField(allow_null=True)
    old_text = serializers.CharField(allow_blank=True)
    new_text = serializers.CharField(allow_blank=True)
    rows = RowChangeSerializer(many=True, help_text="Tables: the rows that changed, by key")


class SectionChangesSerializer(serializers.Serializer):
    section = serializers.CharField()
    title = serializers.CharField()
    changes = AnswerChangeSerializer(many=True)


class FileChangesSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())


class DiffSerializer(serializers.Serializer):
    from_revision = serializers.IntegerField()
    to_revision = serializers.IntegerField()
    sections = SectionChangesSerializer(many=True, help_text="Only sections with changes")
    files = FileChangesSerializer()


# -- attachments ---------------------------------------------------------------------------


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    download = serializers.CharField(help_text="Where to download it (through the API)")


class AttachmentUploadSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=40, help_text="A file question's code")
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="PDF, Word, Excel, OpenDocument text, PNG or JPEG; at most 20 MB; checked by "
        "content",
    )
