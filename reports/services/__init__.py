"""Writes for the reports app, one module per area; import from here."""

from reports.services.answers import (
    AnswerConflictError,
    ReportNotEditableError,
    bulk_store_answers,
    confirm_prefilled,
    last_accepted_report,
    save_answer,
    start_report,
)
from reports.services.questionnaires import (
    CYCLES_FILE,
    DEFAULT_QUESTIONNAIRE_FILE,
    QuestionnaireFrozenError,
    QuestionnaireLoadResult,
    copy_questionnaire_version,
    create_missing_cycles,
    load_questionnaire,
    spec_from_version,
)

__all__ = [
    "CYCLES_FILE",
    "DEFAULT_QUESTIONNAIRE_FILE",
    "AnswerConflictError",
    "QuestionnaireFrozenError",
    "QuestionnaireLoadResult",
    "ReportNotEditableError",
    "bulk_store_answers",
    "confirm_prefilled",
    "copy_questionnaire_version",
    "create_missing_cycles",
    "last_accepted_report",
    "load_questionnaire",
    "save_answer",
    "spec_from_version",
    "start_report",
]
