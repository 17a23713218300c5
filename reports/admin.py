import re

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join

from reports.forms import QuestionAdminForm
from reports.models import (
    TRANSLATION_LANGUAGES,
    NationalReport,
    Question,
    QuestionnaireTranslation,
    QuestionnaireVersion,
    ReportingCycle,
    Section,
    StatisticsRun,
)
from reports.questionnaire_files import MAX_LABEL, MAX_TITLE, MAX_UNIT
from reports.questionnaire_i18n import (
    completeness_by_language,
    completeness_of,
    strings_by_section,
)
from reports.services import copy_questionnaire_version
from reports.services.workflow import (
    WorkflowRefused,
    accept_report,
    publish_report,
    start_review,
)


class FrozenVersionGuard:
    """What belongs to a questionnaire version that a cycle uses is shown but cannot change."""

    def version_of(self, obj):
        return obj

    def is_frozen(self, obj) -> bool:
        return obj is not None and self.version_of(obj).is_frozen

    def has_change_permission(self, request, obj=None):
        return not self.is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.is_frozen(obj) and super().has_delete_permission(request, obj)


class FrozenVersionInline(FrozenVersionGuard):
    def has_add_permission(self, request, obj=None):
        return not self.is_frozen(obj) and super().has_add_permission(request, obj)


class SectionInline(FrozenVersionInline, admin.TabularInline):
    model = Section
    extra = 0
    fields = ["position", "code", "title"]
    ordering = ["position"]


class QuestionInline(FrozenVersionInline, admin.TabularInline):
    """The version's questions at a glance; "Change" opens a question's full form."""

    model = Question
    form = QuestionAdminForm
    extra = 0
    ordering = ["position"]
    fk_name = "version"
    fields = ["position", "code", "section", "type", "required", "text", "citations"]
    show_change_link = True
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 7})},
        models.PositiveIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 4em"})},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})},
        models.JSONField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 16})},
    }

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "section" in formset.form.base_fields:
            formset.form.base_fields["section"].queryset = obj.sections.all()
        return formset


@admin.register(Question)
class QuestionAdmin(FrozenVersionGuard, admin.ModelAdmin):
    """One question in full; editable only while its version is not used by a cycle."""

    form = QuestionAdminForm
    list_display = ["code", "version", "section", "type", "required", "short_text"]
    list_filter = ["version", "type", "required"]
    search_fields = ["code", "text"]
    list_select_related = ["version", "section"]
    ordering = ["version", "position"]
    raw_id_fields = ["show_if_question"]
    readonly_fields = ["version"]
    fieldsets = [
        (None, {"fields": ["version", ("position", "code", "section"), ("type", "required")]}),
        ("Wording", {"fields": ["text", "help", "citations"]}),
        ("Choices", {"fields": ["choices", "allow_other"]}),
        ("Numbers and text", {"fields": [("min_value", "max_value", "unit"), "max_length"]}),
        ("Table", {"fields": ["columns", ("min_rows", "max_rows")]}),
        ("Files", {"fields": ["multiple"]}),
        ("Follow-up", {"fields": ["show_if_question", "show_if_values"]}),
    ]
    formfield_overrides = {
        models.JSONField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 80})},
    }

    def version_of(self, obj):
        return obj.version

    def has_add_permission(self, request):
        return False  # questions are added within their version

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "section" in form.base_fields:
            form.base_fields["section"].queryset = obj.version.sections.all()
        return form

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:90]


def _next_free_code(code: str) -> str:
    match = re.fullmatch(r"(.*\.)(\d+)", code)
    stem, number = (match.group(1), int(match.group(2))) if match else (f"{code}.", 0)
    candidate = f"{stem}{number + 1}"
    while QuestionnaireVersion.objects.filter(code=candidate).exists():
        number += 1
        candidate = f"{stem}{number + 1}"
    return candidate


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(FrozenVersionGuard, admin.ModelAdmin):
    list_display = ["code", "title", "question_total", "cycles_using", "frozen", "updated_at"]
    search_fields = ["code", "title"]
    readonly_fields = ["source_file", "checksum", "translation_status", "created_at", "updated_at"]
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

    @admin.display(description="questions", ordering="question_count")
    def question_total(self, obj):
        return obj.question_count

    @admin.display(description="cycles", ordering="cycle_count")
    def cycles_using(self, obj):
        return obj.cycle_count

    @admin.display(description="frozen", boolean=True)
    def frozen(self, obj):
        return obj.is_frozen

    @admin.display(description="translations")
    def translation_status(self, obj):
        """Each language's completeness, linking to its texts (editable even when frozen)."""
        if obj is None or obj.pk is None:
            return "–"
        stored = dict(obj.translations.values_list("language", "pk"))
        names = dict(TRANSLATION_LANGUAGES)
        rows = []
        for completeness in completeness_by_language(obj):
            pk = stored.get(completeness.language)
            if pk:
                url = reverse("admin:reports_questionnairetranslation_change", args=[pk])
                action = "edit"
            else:
                url = reverse("admin:reports_questionnairetranslation_add")
                url += f"?version={obj.pk}&language={completeness.language}"
                action = "add"
            rows.append((names[completeness.language], str(completeness), url, action))
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}: {} <a href='{}'>{}</a></li>", rows),
        )

    @admin.action(description="Copy as a new, editable version", permissions=["add"])
    def copy_as_new_version(self, request, queryset):
        for version in queryset:
            try:
                copy = copy_questionnaire_version(
                    source=version, new_code=_next_free_code(version.code)
                )
            except ValueError as error:
                self.message_user(request, f"{version.code}: {error}", messages.ERROR)
                continue
            self.message_user(
                request, f"Version {copy.code} created from {version.code}.", messages.SUCCESS
            )


# -- translations of a version's texts -----------------------------------------------------


def translation_field_name(key: str) -> str:
    """A form field name for a string key ("question/1.1/text" -> "question__1_1__text")."""
    return key.replace("/", "__").replace(".", "_")


def _string_field(key: str, english: str) -> forms.CharField:
    parts = key.split("/")
    if key in ("title", "description"):
        where = f"Questionnaire {key}"
    elif parts[0] == "section":
        where = f"Section {parts[1]} {parts[2]}"
    elif parts[2] in ("text", "help", "unit"):
        where = f"{parts[1]} {parts[2]}"
    elif parts[2] == "choice":
        where = f"{parts[1]} choice {parts[3]}"
    elif parts[-1] == "label":
        where = f"{parts[1]} column {parts[3]}"
    else:
        where = f"{parts[1]} column {parts[3]}, choice {parts[5]}"
    long_text = parts[-1] in ("text", "help") or key == "description"
    limit = (
        MAX_UNIT
        if parts[-1] == "unit"
        else MAX_TITLE
        if parts[-1] == "title"
        else None
        if long_text
        else MAX_LABEL
    )
    widget = (
        forms.Textarea(attrs={"rows": 3, "cols": 88, "placeholder": english})
        if long_text
        else forms.TextInput(attrs={"size": 80, "placeholder": english})
    )
    return forms.CharField(
        label=where,
        required=False,
        max_length=limit,
        widget=widget,
        help_text=f"English: {escape(english)}",  # the admin shows help text unescaped
    )


class QuestionnaireTranslationForm(forms.ModelForm):
    """One field per English string of the version; an empty field falls back to English."""

    strings: dict[str, str] = {}  # field name -> string key, set per version by the admin

    class Meta:
        model = QuestionnaireTranslation
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.texts or {}
        for name, key in self.strings.items():
            self.fields[name].initial = stored.get(key, "")

    def save(self, commit=True):
        # Codes come from the version, never from the form: only known keys are kept.
        self.instance.texts = {
            key: self.cleaned_data[name]
            for name, key in self.strings.items()
            if self.cleaned_data.get(name)
        }
        return super().save(commit)


@admin.register(QuestionnaireTranslation)
class QuestionnaireTranslationAdmin(admin.ModelAdmin):
    """A version's texts in one language. Editable even when the version is frozen."""

    list_display = ["version_code", "language", "completeness", "updated_at"]
    list_filter = ["language", "version"]
    list_select_related = ["version"]
    readonly_fields = ["completeness", "source_file", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["version", "language", *self.readonly_fields]

    def _groups(self, obj):
        if not hasattr(obj, "_string_groups"):
            obj._string_groups = strings_by_section(obj.version)
        return obj._string_groups

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["version", "language"]})]
        fieldsets = [(None, {"fields": [("version", "language"), "completeness", "source_file"]})]
        for heading, strings in self._groups(obj):
            names = [translation_field_name(key) for key in strings]
            if names:
                fieldsets.append((heading, {"fields": names}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            return super().get_form(request, obj, change=change, **kwargs)
        english = {
            key: text for _heading, group in self._groups(obj) for key, text in group.items()
        }
        strings = {translation_field_name(key): key for key in english}
        attrs = {name: _string_field(key, english[key]) for name, key in strings.items()}
        attrs["strings"] = strings
        form = type("TranslationForm", (QuestionnaireTranslationForm,), attrs)
        return super().get_form(request, obj, change=change, form=form, **kwargs)

    def get_changeform_initial_data(self, request):
        return {key: request.GET[key] for key in ("version", "language") if key in request.GET}

    @admin.display(description="version", ordering="version__code")
    def version_code(self, obj):
        return obj.version.code

    @admin.display(description="translated")
    def completeness(self, obj):
        english = {
            key: text for _heading, group in self._groups(obj) for key, text in group.items()
        }
        return str(completeness_of(english, obj.texts or {}, obj.language))


@admin.register(ReportingCycle)
class ReportingCycleAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "meeting_label",
        "meeting_starts_on",
        "meeting_ends_on",
        "opens_on",
        "due_on",
        "closes_on",
        "questionnaire",
        "report_total",
        "counting_rule",
        "statistics_public",
    ]
    list_select_related = ["questionnaire"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_count=Count("reports"))

    def get_readonly_fields(self, request, obj=None):
        # Reports answer the cycle's questionnaire: once there are reports it cannot be swapped.
        if obj is not None and obj.reports.exists():
            return [*self.readonly_fields, "questionnaire"]
        return self.readonly_fields

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

    actions = ["start_review_action", "accept_action", "publish_action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # reports change only through the workflow (the actions, the review pages)

    def has_delete_permission(self, request, obj=None):
        return False

    def _transition(self, request, queryset, perform, done: str) -> None:
        """Run one workflow transition on each selected report, saying what worked and why not."""
        for report in queryset:
            try:
                perform(report=report, user=request.user)
                self.message_user(request, f"{report}: {done}", messages.SUCCESS)
            except WorkflowRefused as refused:
                self.message_user(request, f"{report}: {refused}", messages.ERROR)

    @admin.action(description="Start the review of the selected reports")
    def start_review_action(self, request, queryset):
        self._transition(request, queryset, start_review, "review started.")

    @admin.action(description="Accept the selected reports")
    def accept_action(self, request, queryset):
        self._transition(request, queryset, accept_report, "accepted.")

    @admin.action(description="Publish the selected reports")
    def publish_action(self, request, queryset):
        self._transition(request, queryset, publish_report, "published.")


@admin.register(StatisticsRun)
class StatisticsRunAdmin(admin.ModelAdmin):
    """Every compile of a cycle's statistics, read-only: the dashboard is where staff recompile."""

    list_display = ["cycle", "status", "progress", "reason", "requested_by", "created_at", "error"]
    list_filter = ["status", "cycle"]
    list_select_related = ["cycle", "requested_by"]
    actions = ["compile_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Compile these cycles again")
    def compile_again(self, request, queryset):
        from reports import access
        from reports.statistics.compile import request_compile

        if not access.can_compile_statistics(request.user):
            self.message_user(request, "Only reviewers and administrators.", messages.ERROR)
            return
        cycles = {run.cycle for run in queryset}
        for cycle in cycles:
            request_compile(cycle, reason="admin action", user=request.user, force=True)
        self.message_user(request, f"{len(cycles)} cycle(s) queued for compiling.")
