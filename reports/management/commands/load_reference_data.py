from django.core.management.base import BaseCommand, CommandError

from reports.demo import load_reference_data
from reports.questionnaire_files import QuestionnaireFileError
from reports.services import QuestionnaireFrozenError


class Command(BaseCommand):
    help = "Load the States, the shipped PoA/ITI questionnaire and the reporting cycles."

    def handle(self, *args, **options) -> None:
        try:
            load_reference_data()
        except (QuestionnaireFileError, QuestionnaireFrozenError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Reference data loaded.")
