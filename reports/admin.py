import re

from django.contrib import admin, messages
from django.db.models import Count

from reports.models import (
    NationalReport,
    Question,
    QuestionnaireVersion,
    ReportingCycle,
    Section,
)
from reports.services import copy_questionnaire_version


class FrozenVersionReadOnly:
    """Inlines of a version that a cycle uses are shown but cannot change."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)


class SectionInline(FrozenVersionReadOnly, admin.TabularInline):
    model = Section
    extra = 0
    fields = ["position", "code", "title"]
    ordering = ["position"]


class QuestionInline(FrozenVersionReadOnly, admin.StackedInline):
    model = Question
    extra = 0
    ordering = ["position"]
    fk_name = "version"
    fields = [
        ("position", "code", "section", "type", "required"),
        "text",
        "help",
        ("citations", "choices", "allow_other"),
        "columns",
        ("min_value", "max_value", "max_length", "unit"),
        ("min_rows", "max_rows", "multiple"),
        ("show_if_question", "show_if_values"),
    ]
    raw_id_fields = ["show_if_question"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "section" in formset.form.base_fields:
            formset.form.base_fields["section"].queryset = obj.sections.all()
        return formset


def _next_free_code(code: str) -> str:
    match = re.fullmatch(r"(.*\.)(\d+)", code)
    stem, number = (match.group(1), int(match.group(2))) if match else (f"{code}.", 0)
    candidate = f"{stem}{number + 1}"
    while QuestionnaireVersion.objects.filter(code=candidate).exists():
        number += 1
        candidate = f"{stem}{number + 1}"
    return candidate


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "question_total", "cycles_using", "frozen", "updated_at"]
    search_fields = ["code", "title"]
    readonly_fields = ["source_file", "checksum", "created_at", "updated_at"]
    inlines = [SectionInline, QuestionInline]
    actions = ["copy_as_new_version"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                cycle_count=Count("cycles", distinct=True),
                question_count=Count("questions", distinct=True),
            )
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="questions", ordering="question_count")
    def question_total(self, obj):
        return obj.question_count

    @admin.display(description="cycles", ordering="cycle_count")
    def cycles_using(self, obj):
        return obj.cycle_count

    @admin.display(description="frozen", boolean=True)
    def frozen(self, obj):
        return obj.is_frozen

    @admin.action(description="Copy as a new, editable version")
    def copy_as_new_version(self, request, queryset):
        for version in queryset:
            copy = copy_questionnaire_version(
                source=version, new_code=_next_free_code(version.code)
            )
            self.message_user(
                request, f"Version {copy.code} created from {version.code}.", messages.SUCCESS
            )


@admin.register(ReportingCycle)
class ReportingCycleAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "meeting_label",
        "meeting_dates",
        "opens_on",
        "due_on",
        "closes_on",
        "questionnaire",
        "report_total",
    ]
    list_select_related = ["questionnaire"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_count=Count("reports"))

    @admin.display(description="meeting", ordering="meeting_type")
    def meeting_label(self, obj):
        return obj.meeting_label

    @admin.display(description="reports", ordering="report_count")
    def report_total(self, obj):
        return obj.report_count


@admin.register(NationalReport)
class NationalReportAdmin(admin.ModelAdmin):
    """Reports are written through the focal-point forms; the admin shows them."""

    list_display = ["country", "cycle", "status", "language", "submitted_at", "updated_at"]
    list_filter = ["cycle", "status", "country__report_region", "country__regional_group"]
    search_fields = ["country__un_name", "country__iso3"]
    list_select_related = ["country", "cycle"]
    readonly_fields = [
        "country",
        "cycle",
        "status",
        "language",
        "submitted_at",
        "created_by",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
