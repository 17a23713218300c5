from django.core.management.base import BaseCommand, CommandError

from reports.questionnaire_files import QuestionnaireFileError
from reports.services import (
    DEFAULT_QUESTIONNAIRE_FILE,
    QuestionnaireFrozenError,
    load_questionnaire,
)


class Command(BaseCommand):
    help = (
        "Load a questionnaire file (YAML) as a questionnaire version, with its translation files "
        "(NAME.LANG.yaml beside it); unchanged files do nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", default=str(DEFAULT_QUESTIONNAIRE_FILE))

    def handle(self, *args, path: str, **options) -> None:
        try:
            result = load_questionnaire(path)
        except (QuestionnaireFileError, QuestionnaireFrozenError) as exc:
            raise CommandError(str(exc)) from exc
        count = result.version.questions.count()
        self.stdout.write(
            f"Questionnaire {result.version.code}: {result.outcome} ({count} questions)."
        )
        for language, outcome in result.translations.items():
            self.stdout.write(f"  translation {language}: {outcome}")
