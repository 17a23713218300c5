from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from config.db import TimeStampedModel
from countries.models import Country
from reports.languages import un_date_range


class QuestionType(models.TextChoices):
    YES_NO_DEVELOPING = "yes_no_developing", _("Yes / no / developing")
    YES_NO = "yes_no", _("Yes / no")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTI_CHOICE = "multi_choice", _("Check all that apply")
    INTEGER = "integer", _("Number")
    TEXT = "text", _("Text")
    DATE = "date", _("Date")
    CONTACT = "contact", _("Contact block")
    TABLE = "table", _("Table")
    FILE = "file", _("File upload")


class ColumnType(models.TextChoices):
    TEXT = "text", _("Text")
    INTEGER = "integer", _("Number")
    DATE = "date", _("Date")
    URL = "url", _("Link")
    CHOICE = "choice", _("Choice")
    COUNTRY = "country", _("State")
    YES_NO = "yes_no", _("Yes / no")


# Types whose answers are choice codes, which a follow-up question can depend on.
CONDITION_PARENT_TYPES = frozenset(
    {
        QuestionType.YES_NO_DEVELOPING,
        QuestionType.YES_NO,
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTI_CHOICE,
    }
)
YES_NO_DEVELOPING_CHOICES = [
    {"code": "yes", "label": "Yes"},
    {"code": "no", "label": "No"},
    {"code": "developing", "label": "Developing"},
]
YES_NO_CHOICES = YES_NO_DEVELOPING_CHOICES[:2]
OTHER_CHOICE_CODE = "other"
# Ordinals of meetings, in words as UN documents write them. A Review Conference has its own
# context because some languages give its ordinal another gender (ru: "Четвертая Конференция").
ORDINALS = {
    1: pgettext_lazy("ordinal of a meeting", "First"),
    2: pgettext_lazy("ordinal of a meeting", "Second"),
    3: pgettext_lazy("ordinal of a meeting", "Third"),
    4: pgettext_lazy("ordinal of a meeting", "Fourth"),
    5: pgettext_lazy("ordinal of a meeting", "Fifth"),
    6: pgettext_lazy("ordinal of a meeting", "Sixth"),
    7: pgettext_lazy("ordinal of a meeting", "Seventh"),
    8: pgettext_lazy("ordinal of a meeting", "Eighth"),
    9: pgettext_lazy("ordinal of a meeting", "Ninth"),
    10: pgettext_lazy("ordinal of a meeting", "Tenth"),
    11: pgettext_lazy("ordinal of a meeting", "Eleventh"),
    12: pgettext_lazy("ordinal of a meeting", "Twelfth"),
}
# Each meeting's name with its ordinal as one message: the ordinal's place and agreement differ
# (ar: "الاجتماع الخامس للدول ...", ru: "Пятое совещание государств ...").
MEETING_WITH_ORDINAL = {
    "BMS": pgettext_lazy("meeting name", "%(ordinal)s Biennial Meeting of States"),
    "RevCon": pgettext_lazy("meeting name", "%(ordinal)s Review Conference"),
    "MGE": pgettext_lazy("meeting name", "%(ordinal)s Meeting of Governmental Experts"),
}
CONFERENCE_ORDINALS = {
    1: pgettext_lazy("ordinal of a conference", "First"),
    2: pgettext_lazy("ordinal of a conference", "Second"),
    3: pgettext_lazy("ordinal of a conference", "Third"),
    4: pgettext_lazy("ordinal of a conference", "Fourth"),
    5: pgettext_lazy("ordinal of a conference", "Fifth"),
    6: pgettext_lazy("ordinal of a conference", "Sixth"),
    7: pgettext_lazy("ordinal of a conference", "Seventh"),
    8: pgettext_lazy("ordinal of a conference", "Eighth"),
    9: pgettext_lazy("ordinal of a conference", "Ninth"),
    10: pgettext_lazy("ordinal of a conference", "Tenth"),
    11: pgettext_lazy("ordinal of a conference", "Eleventh"),
    12: pgettext_lazy("ordinal of a conference", "Twelfth"),
}
CONTACT_FIELDS = [
    {"code": "name", "label": "Name"},
    {"code": "position", "label": "Position"},
    {"code": "organization", "label": "Ministry, agency or organization"},
    {"code": "address", "label": "Address"},
    {"code": "phone", "label": "Telephone"},
    {"code": "email", "label": "E-mail"},
]


def answer_choices(
    question_type: str, choices: list[dict[str, str]], allow_other: bool
) -> list[dict[str, str]]:
    """The choices an answer to a question of this type may hold."""
    if question_type == QuestionType.YES_NO_DEVELOPING:
        return YES_NO_DEVELOPING_CHOICES
    if question_type == QuestionType.YES_NO:
        return YES_NO_CHOICES
    if allow_other:
        return [*choices, {"code": OTHER_CHOICE_CODE, "label": "Other (specify)"}]
    return list(choices)


class QuestionnaireVersionQuerySet(models.QuerySet):
    def with_usage(self) -> QuestionnaireVersionQuerySet:
        return self.annotate(cycle_count=models.Count("cycles"))


class QuestionnaireVersion(TimeStampedModel):
    """One version of the national-report template. Frozen once a reporting cycle uses it."""

    code = models.CharField(max_length=20, unique=True, help_text='e.g. "2026.1"')
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    source_file = models.CharField(max_length=300, blank=True)
    checksum = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the loaded content, to detect changes"
    )

    objects = QuestionnaireVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    @property
    def is_frozen(self) -> bool:
        """A version used by a reporting cycle can no longer change; edits make a new version."""
        cycle_count = getattr(self, "cycle_count", None)
        if cycle_count is not None:
            return cycle_count > 0
        return self.cycles.exists()


class Section(TimeStampedModel):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="sections"
    )
    code = models.CharField(max_length=10)
    title = models.CharField(max_length=300)
    help = models.TextField(blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_section_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Question(TimeStampedModel):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(max_length=20)
    position = models.PositiveIntegerField(help_text="Order within the whole questionnaire")
    text = models.TextField()
    help = models.TextField(blank=True)
    type = models.CharField(max_length=20, choices=QuestionType.choices)
    required = models.BooleanField(default=False)
    citations = models.JSONField(
        default=list, help_text='Instrument paragraphs implemented, e.g. ["PoA II.4", "ITI 25"]'
    )
    choices = models.JSONField(default=list, blank=True, help_text="[{code, label}, ...]")
    allow_other = models.BooleanField(default=False, help_text='Adds "Other (specify)"')
    columns = models.JSONField(default=list, blank=True, help_text="Table columns")
    min_value = models.BigIntegerField(null=True, blank=True)
    max_value = models.BigIntegerField(null=True, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=60, blank=True)
    min_rows = models.PositiveIntegerField(default=0)
    max_rows = models.PositiveIntegerField(null=True, blank=True)
    multiple = models.BooleanField(default=True, help_text="File questions: several files")
    show_if_question = models.ForeignKey(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="follow_ups"
    )
    show_if_values = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_question_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:80]}"

    def choice_list(self) -> list[dict[str, str]]:
        """Every choice an answer may hold, including the built-in ones of yes/no types."""
        return answer_choices(self.type, self.choices, self.allow_other)

    def choice_codes(self) -> list[str]:
        return [choice["code"] for choice in self.choice_list()]


# The official languages other than English, whose questionnaire texts are translated as data.
TRANSLATION_LANGUAGES = [
    ("ar", "Arabic"),
    ("zh-hans", "Chinese"),
    ("fr", "French"),
    ("ru", "Russian"),
    ("es", "Spanish"),
]


class QuestionnaireTranslation(TimeStampedModel):
    """A version's texts in one language, keyed by code; the English text is the fallback.

    `texts` maps string keys (see reports.questionnaire_i18n) to translated text. Translations
    stay editable when the version is frozen: they change neither the meaning nor the codes.
    """

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(max_length=10, choices=TRANSLATION_LANGUAGES)
    texts = models.JSONField(default=dict, blank=True)
    source_file = models.CharField(max_length=300, blank=True)
    source_checksum = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the file last loaded, to detect changes"
    )

    class Meta:
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], name="unique_questionnaire_translation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version.code} – {self.get_language_display()}"


class CountingRule(models.TextChoices):
    """Which reports a cycle's statistics count."""

    ACCEPTED = "accepted", _("Accepted reports")
    SUBMITTED = "submitted", _("Submitted reports")


class CycleQuerySet(models.QuerySet):
    def open(self, today: datetime.date | None = None) -> CycleQuerySet:
        today = today or datetime.date.today()
        return self.filter(opens_on__lte=today).filter(
            models.Q(closes_on__isnull=True) | models.Q(closes_on__gte=today)
        )


class ReportingCycle(TimeStampedModel):
    """A biennial reporting cycle: the reports due ahead of one meeting of States."""

    class Meeting(models.TextChoices):
        BMS = "BMS", _("Biennial Meeting of States")
        REVCON = "RevCon", _("Review Conference")
        MGE = "MGE", _("Meeting of Governmental Experts")
        SYNTHETIC = "Synthetic", _("Synthetic cycle for benchmarks")

    year = models.PositiveSmallIntegerField(unique=True)
    meeting_type = models.CharField(max_length=10, choices=Meeting.choices)
    meeting_number = models.PositiveSmallIntegerField()
    meeting_starts_on = models.DateField(
        null=True, blank=True, help_text="First day of the meeting; empty while not yet set"
    )
    meeting_ends_on = models.DateField(
        null=True, blank=True, help_text="Last day of the meeting (the first day if it lasts one)"
    )
    period_start = models.DateField(help_text="First day of the period the reports cover")
    period_end = models.DateField(help_text="Last day of the period the reports cover")
    opens_on = models.DateField()
    due_on = models.DateField()
    closes_on = models.DateField(
        null=True, blank=True, help_text="Last day reports are accepted; empty while still open"
    )
    questionnaire = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="cycles"
    )
    notes = models.TextField(blank=True)
    counting_rule = models.CharField(
        max_length=10,
        choices=CountingRule.choices,
        default=CountingRule.ACCEPTED,
        db_default=CountingRule.ACCEPTED,
        help_text="Which reports the cycle's statistics count: accepted ones only, or every "
        "submitted one (its latest revision that was not recalled)",
    )
    statistics_public = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Show the cycle's headline statistics on the public portal",
    )

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Exact(Mod("year", 2), 0), name="cycle_year_is_even"),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="cycle_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("due_on")),
                name="cycle_opens_before_due",
            ),
            models.CheckConstraint(
                condition=models.Q(meeting_starts_on__lte=models.F("meeting_ends_on")),
                name="cycle_meeting_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} ({self.meeting_label})"

    @property
    def meeting_label(self) -> str:
        return f"{self.meeting_type}{self.meeting_number}"

    @property
    def meeting_name(self) -> str:
        """The meeting as UN documents name it, e.g. "Fifth Biennial Meeting of States"."""
        if self.meeting_type == self.Meeting.SYNTHETIC:
            return str(self.get_meeting_type_display())
        ordinals = CONFERENCE_ORDINALS if self.meeting_type == self.Meeting.REVCON else ORDINALS
        ordinal = ordinals.get(self.meeting_number)
        if ordinal is None:
            # Translators: a meeting without an ordinal word, e.g. "Review Conference 13".
            return gettext("%(meeting)s %(number)s") % {
                "meeting": self.get_meeting_type_display(),
                "number": self.meeting_number,
            }
        return str(MEETING_WITH_ORDINAL[self.meeting_type]) % {"ordinal": ordinal}

    def meeting_dates_in(self, language: str | None = None) -> str:
        """The meeting's dates as UN documents print them, e.g. "16–20 June 2014" ("" if unset)."""
        return un_date_range(self.meeting_starts_on, self.meeting_ends_on, language)

    def clean(self) -> None:
        super().clean()
        start, end = self.meeting_starts_on, self.meeting_ends_on
        if (start is None) != (end is None):
            missing = "meeting_ends_on" if end is None else "meeting_starts_on"
            raise ValidationError({missing: _("Give both the first and the last day, or neither.")})
        if start and end and start > end:
            raise ValidationError(
                {"meeting_ends_on": _("The meeting cannot end before it starts.")}
            )

    def is_open(self, today: datetime.date | None = None) -> bool:
        today = today or datetime.date.today()
        return self.opens_on <= today and (self.closes_on is None or today <= self.closes_on)


class NationalReportQuerySet(models.QuerySet):
    def for_user(self, user) -> NationalReportQuerySet:
        """The reports `user` may see: the gatekeeper every page, download and task goes through."""
        from reports.access import visible_reports

        return visible_reports(user, self)


class NationalReport(TimeStampedModel):
    """One State's report for one cycle. The review workflow builds on `status`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", _("Accepted")
        PUBLISHED = "published", _("Published")

    class Language(models.TextChoices):
        ARABIC = "ar", _("Arabic")
        CHINESE = "zh", _("Chinese")
        ENGLISH = "en", _("English")
        FRENCH = "fr", _("French")
        RUSSIAN = "ru", _("Russian")
        SPANISH = "es", _("Spanish")

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="reports")
    cycle = models.ForeignKey(ReportingCycle, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    current_revision = models.ForeignKey(
        "Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The accepted revision that is the State's report for the cycle",
    )
    prefilled_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The earlier report whose answers this one started from",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = NationalReportQuerySet.as_manager()

    class Meta:
        ordering = ["-cycle__year", "country__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["country", "cycle"], name="one_report_per_cycle"),
        ]
        permissions = [
            ("review_report", "Can review, comment on, return and accept reports"),
            ("publish_report", "Can publish and reopen reports"),
        ]

    def __str__(self) -> str:
        return f"{self.country} – {self.cycle.year}"


class Answer(TimeStampedModel):
    """One answer, in typed columns so that statistics are plain SQL.

    yes/no and single choices in `value_choice`, numbers in `value_int`, text in `value_text`
    (also the "other (specify)" text of a check-all question), dates in `value_date`; the codes
    ticked in a check-all question are `AnswerChoice` rows; table and contact cells are
    `AnswerCell` rows.
    """

    report = models.ForeignKey(NationalReport, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value_choice = models.CharField(max_length=64, blank=True, db_index=True)
    value_int = models.BigIntegerField(null=True, blank=True)
    value_text = models.TextField(blank=True)
    value_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every save; a save based on an older version is a conflict"
    )
    prefilled_from_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Copied from the report of this cycle year and not yet confirmed or changed",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["report", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "question"], name="one_answer_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.question.code}"


class AnswerChoice(models.Model):
    """A code ticked in a check-all-that-apply answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="selected")
    code = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ["answer", "id"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "code"], name="unique_selected_choice"),
        ]

    def __str__(self) -> str:
        return self.code


class AnswerCell(models.Model):
    """One cell of a table answer (row, column) or one field of a contact block (row 0)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="cells")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=64)
    value_choice = models.CharField(max_length=64, blank=True, db_index=True)
    value_int = models.BigIntegerField(null=True, blank=True)
    value_text = models.TextField(blank=True)
    value_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["answer", "row", "id"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "row", "column"], name="unique_answer_cell"),
        ]

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name: the original one is kept in the row, never used on disk."""
    return f"attachments/{instance.report_id}/{uuid.uuid4().hex}"


class AttachmentQuerySet(models.QuerySet):
    def current(self) -> AttachmentQuerySet:
        """The files attached now (removed ones stay only for the revisions that list them)."""
        return self.filter(removed_at__isnull=True)


class Attachment(TimeStampedModel):
    """A file uploaded for a file question; served only through the gatekeeper."""

    report = models.ForeignKey(NationalReport, on_delete=models.CASCADE, related_name="attachments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["report", "question__position", "created_at"]

    def __str__(self) -> str:
        return self.original_name


class Revision(TimeStampedModel):
    """An immutable snapshot of a report's answers, frozen when it is submitted."""

    report = models.ForeignKey(NationalReport, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    answers = models.JSONField(help_text="{question code: answer} as submitted")
    attachments = models.JSONField(default=list, help_text="The files attached when submitted")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField()
    status_before = models.CharField(
        max_length=20, default="draft", help_text="The report's status before this submission"
    )
    recalled_at = models.DateTimeField(null=True, blank=True)
    recalled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="When a later accepted revision took its place"
    )
    rows_written = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Its answers are also stored as rows for the statistics",
    )

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="unique_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.report} revision {self.number}"


class ReportEvent(models.Model):
    """The audit trail of a report: written by the services, never changed afterwards."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Status change")
        EDIT = "edit", _("Answer changed")
        COMMENT = "comment", _("Comment")
        UPLOAD = "upload", _("File attached")
        REMOVAL = "removal", _("File removed")

    report = models.ForeignKey(NationalReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    message = models.TextField(blank=True)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the e-mails about this event went out"
    )

    class Meta:
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def get_to_status_label(self) -> str:
        return NationalReport.Status(self.to_status).label if self.to_status else ""

    def get_from_status_label(self) -> str:
        return NationalReport.Status(self.from_status).label if self.from_status else ""


class Comment(TimeStampedModel):
    """A comment on a report or on one of its questions.

    The secretariat's comments reach the country's focal points when the report is returned;
    the focal points' replies are seen by the secretariat at once.
    """

    report = models.ForeignKey(NationalReport, on_delete=models.CASCADE, related_name="comments")
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_secretariat = models.BooleanField()
    body = models.TextField()
    shared_at = models.DateTimeField(
        null=True, blank=True, help_text="When the country's focal points could first see it"
    )

    class Meta:
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return (
            f"{self.report} {self.question.code if self.question else 'report'}: {self.body[:40]}"
        )


class ReminderSent(TimeStampedModel):
    """One deadline reminder to one State: the row is written before the e-mail goes out, so a
    task that runs twice (or dies and is retried) never sends the same reminder twice."""

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "country", "days_before"], name="one_reminder_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.cycle.year} −{self.days_before} days"


# -- statistics ---------------------------------------------------------------------------------
#
# A submitted revision's answers are frozen as JSON (`Revision.answers`) for display, and also as
# typed rows (`RevisionAnswer`, `RevisionChoice`, `RevisionCell`) so that the statistics of a
# cycle are SQL GROUP BY queries over the revisions that count. Hidden follow-ups are not in the
# snapshot, so they are never counted.


class RevisionAnswer(models.Model):
    """One answered question of a revision, in typed columns (choice or number)."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="answer_rows")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value_choice = models.CharField(max_length=64, blank=True)
    value_int = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "question"], name="one_revision_answer_per_question"
            ),
        ]
        indexes = [models.Index(fields=["question", "value_choice"])]

    def __str__(self) -> str:
        return f"{self.revision} {self.question_id}"


class RevisionChoice(models.Model):
    """A code ticked in a check-all-that-apply answer of a revision."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="choice_rows")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "question", "code"], name="unique_revision_choice"
            ),
        ]
        indexes = [models.Index(fields=["question", "code"])]

    def __str__(self) -> str:
        return self.code


class RevisionCell(models.Model):
    """One cell of a table answer of a revision (choice, State, number or text columns)."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="cell_rows")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=64)
    value_choice = models.CharField(max_length=64, blank=True)
    value_int = models.BigIntegerField(null=True, blank=True)
    value_text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "question", "row", "column"], name="unique_revision_cell"
            ),
        ]
        indexes = [models.Index(fields=["question", "column"])]

    def __str__(self) -> str:
        return f"{self.revision} {self.question_id} row {self.row} {self.column}"


class StatisticsRun(TimeStampedModel):
    """One compile of a cycle's statistics: queued, running (with progress), done or failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        UNCHANGED = "unchanged", _("Done (nothing had changed)")
        FAILED = "failed", _("Failed")

    cycle = models.ForeignKey(
        ReportingCycle, on_delete=models.CASCADE, related_name="statistics_runs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    step = models.CharField(max_length=120, blank=True)
    reason = models.CharField(max_length=60, blank=True, help_text="What asked for the compile")
    error = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.cycle.year} statistics: {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class CycleStatistics(models.Model):
    """The compiled statistics of one cycle, from the revisions named by `fingerprint`.

    Swapped in whole, in one transaction, by the compile: the rows below hang off it and go with it.
    """

    cycle = models.OneToOneField(
        ReportingCycle, on_delete=models.CASCADE, related_name="statistics"
    )
    fingerprint = models.CharField(max_length=64)
    counting_rule = models.CharField(max_length=10, choices=CountingRule.choices)
    computed_at = models.DateTimeField()
    states_total = models.PositiveIntegerField()
    reports_counted = models.PositiveIntegerField()
    first_time = models.JSONField(default=list, help_text="ISO3 codes of first-time reporters")
    lapsed = models.JSONField(
        default=list, help_text="ISO3 codes of States that reported last cycle but not this one"
    )
    reporters = models.JSONField(default=list, help_text="ISO3 codes of the States counted")
    previous_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "cycle statistics"

    def __str__(self) -> str:
        return f"Statistics {self.cycle.year}"

    @property
    def reporting_rate(self) -> float:
        return self.reports_counted / self.states_total if self.states_total else 0.0


class GroupingStatistic(models.Model):
    """Reports counted in one report region or regional group, against its number of States."""

    class Kind(models.TextChoices):
        REGION = "region", _("Report region")
        GROUP = "group", _("Regional group")

    statistics = models.ForeignKey(
        CycleStatistics, on_delete=models.CASCADE, related_name="groupings"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices)
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    states = models.PositiveIntegerField()
    reported = models.PositiveIntegerField()
    first_time = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "code"]

    def __str__(self) -> str:
        return f"{self.name}: {self.reported} of {self.states}"

    @property
    def rate(self) -> float:
        return self.reported / self.states if self.states else 0.0


# The scope of a per-question statistic: every counted report ("") or one report region's code.
ALL_REGIONS = ""


class QuestionStatistic(models.Model):
    """How one question was answered, over all counted reports or one region's."""

    statistics = models.ForeignKey(
        CycleStatistics, on_delete=models.CASCADE, related_name="questions"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=40, blank=True, default=ALL_REGIONS)
    reports = models.PositiveIntegerField(help_text="Counted reports in scope")
    shown = models.PositiveIntegerField(help_text="Reports to which the question was shown")
    answered = models.PositiveIntegerField()
    numeric_count = models.PositiveIntegerField(default=0)
    numeric_sum = models.BigIntegerField(null=True, blank=True)
    numeric_median = models.FloatField(null=True, blank=True)
    numeric_min = models.BigIntegerField(null=True, blank=True)
    numeric_max = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["question__position", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["statistics", "question", "region"], name="one_question_statistic"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} {self.region or 'all'}: {self.answered} of {self.shown}"

    @property
    def answered_share(self) -> float:
        return self.answered / self.shown if self.shown else 0.0


class SectionStatistic(models.Model):
    """How many counted reports answered at least one question of a section (a topic)."""

    statistics = models.ForeignKey(
        CycleStatistics, on_delete=models.CASCADE, related_name="sections"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=40, blank=True, default=ALL_REGIONS)
    reports = models.PositiveIntegerField(help_text="Counted reports in scope")
    reported = models.PositiveIntegerField(help_text="Reports answering at least one question")

    class Meta:
        ordering = ["section__position", "region"]

    def __str__(self) -> str:
        return f"{self.section_id} {self.region or 'all'}: {self.reported} of {self.reports}"

    @property
    def share(self) -> float:
        return self.reported / self.reports if self.reports else 0.0


class ChoiceStatistic(models.Model):
    """How many counted reports chose one code of a question (yes/no, choices, ticked items)."""

    statistics = models.ForeignKey(
        CycleStatistics, on_delete=models.CASCADE, related_name="choices"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=40, blank=True, default=ALL_REGIONS)
    code = models.CharField(max_length=64)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["question__position", "region", "id"]

    def __str__(self) -> str:
        return f"{self.question_id} {self.region or 'all'} {self.code}: {self.count}"


class TableTotal(models.Model):
    """A table question's numbers summed per choice of one of its columns, e.g. the items exported
    per UN Register subcategory, or the cost of the assistance requested per topic."""

    statistics = models.ForeignKey(
        CycleStatistics, on_delete=models.CASCADE, related_name="table_totals"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=40, blank=True, default=ALL_REGIONS)
    choice_column = models.CharField(max_length=64)
    value_column = models.CharField(max_length=64, blank=True)
    code = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    states = models.PositiveIntegerField()
    total = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["question__position", "choice_column", "value_column", "region", "id"]

    def __str__(self) -> str:
        return f"{self.question_id} {self.choice_column}={self.code}: {self.total}"


class AssistanceEntry(models.Model):
    """One State's request for, or offer of, assistance on one topic."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Requested")
        OFFER = "offer", _("Offered")

    statistics = models.ForeignKey(
        CycleStatistics, on_delete=models.CASCADE, related_name="assistance"
    )
    kind = models.CharField(max_length=7, choices=Kind.choices)
    topic = models.CharField(max_length=64)
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    target_region = models.CharField(
        max_length=40, blank=True, help_text="Offers: the region the offer is for, if stated"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["topic", "kind", "country__sort_key", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.topic}: {self.country_id}"


class AssistanceMatch(models.Model):
    """A requesting State paired with a State offering assistance on the same topic."""

    statistics = models.ForeignKey(
        CycleStatistics, on_delete=models.CASCADE, related_name="matches"
    )
    topic = models.CharField(max_length=64)
    requester = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    offerer = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    same_region = models.BooleanField(
        help_text="The offer is for the requester's region, or both States are in the same one"
    )
    rank = models.PositiveSmallIntegerField(help_text="1 for the best match of this request")

    class Meta:
        ordering = ["topic", "requester__sort_key", "rank"]

    def __str__(self) -> str:
        return f"{self.topic}: {self.requester_id} ← {self.offerer_id}"


# -- generated documents ------------------------------------------------------------------------


def rendered_pdf_path(instance: RenderedPdf, filename: str) -> str:
    return f"documents/{instance.kind}/{uuid.uuid4().hex}.pdf"


class RenderedPdf(TimeStampedModel):
    """A PDF rendered from `subject` (what it shows) and stored under the fingerprint of its inputs:
    the same inputs are served from here at once; changed ones are rendered anew."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", _("Summary report")
        NATIONAL = "national", _("National report")
        DIFF = "diff", _("Differences between two revisions")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject = models.CharField(max_length=100, help_text='e.g. "revision:12" or "summary:3"')
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=rendered_pdf_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "fingerprint"], name="one_pdf_per_input"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


# -- the Secretary-General's summary report ---------------------------------------------------


class SummaryReport(TimeStampedModel):
    """A report of the Secretary-General on a cycle's national reports, as staff compose it."""

    cycle = models.ForeignKey(
        ReportingCycle, on_delete=models.PROTECT, related_name="summary_reports"
    )
    symbol = models.CharField(max_length=40, help_text='Document symbol, e.g. "A/81/123"')
    session = models.CharField(max_length=80, help_text='e.g. "Eighty-first session"')
    agenda_item = models.CharField(
        max_length=200, help_text='e.g. "Item 97 (j) of the preliminary list"'
    )
    agenda_footnote = models.CharField(
        max_length=200, blank=True, help_text='The asterisk footnote, e.g. "A/81/50."'
    )
    agenda_titles = models.TextField(help_text="The agenda titles, one per line")
    title = models.CharField(max_length=200, default="Report of the Secretary-General")
    date = models.DateField()
    distribution = models.CharField(max_length=40, default="General")
    original_language = models.CharField(max_length=40, default="English")
    # The language this version of the document is written in: its interface words, dates,
    # numbers and State names follow it (the wording itself is the staff's text).
    language = models.CharField(
        max_length=2,
        choices=NationalReport.Language.choices,
        default=NationalReport.Language.ENGLISH,
        help_text="The language of this version of the document",
    )
    summary = models.TextField(
        help_text="The unnumbered summary; paragraphs separated by a blank line"
    )
    annex_reporting_states = models.BooleanField(
        default=True, help_text="Annex: the States that submitted a national report, by region"
    )
    annex_statistics = models.BooleanField(default=True, help_text="Annex: statistical tables")
    annex_charts = models.BooleanField(default=True, help_text="Annex: the charts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-cycle__year", "-created_at"]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.cycle.year})"


class SummarySection(TimeStampedModel):
    """A heading of the body: level 1 is numbered I., II.; level 2 A., B.; level 3 1., 2."""

    report = models.ForeignKey(SummaryReport, on_delete=models.CASCADE, related_name="sections")
    level = models.PositiveSmallIntegerField(
        choices=[(1, "I. Chapter"), (2, "A. Section"), (3, "1. Subsection")], default=1
    )
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["report", "position", "id"]

    def __str__(self) -> str:
        return self.title


class SummaryParagraph(TimeStampedModel):
    """A numbered paragraph under a heading: narrative text written by staff, or generated from
    the cycle's statistics through a wording template staff can edit."""

    class Kind(models.TextChoices):
        NARRATIVE = "narrative", _("Narrative")
        GENERATED = "generated", _("Generated from the statistics")

    section = models.ForeignKey(SummarySection, on_delete=models.CASCADE, related_name="paragraphs")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NARRATIVE)
    generator = models.CharField(
        max_length=40, blank=True, help_text="Generated paragraphs: what they report on"
    )
    text = models.TextField(
        help_text="The text, or for a generated paragraph its wording template with {placeholders}"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section", "position", "id"]

    def __str__(self) -> str:
        return self.text[:60]
