from django.core.management.base import BaseCommand, CommandError

from reports.demo import DEMO_PASSWORD, create_demo_users, load_reference_data, seed_demo_history
from reports.questionnaire_files import QuestionnaireFileError
from reports.services import QuestionnaireFrozenError


class Command(BaseCommand):
    help = (
        "Load the reference data and a synthetic reporting history with demo users. "
        "Running it again adds only what is missing."
    )

    def handle(self, *args, **options) -> None:
        try:
            load_reference_data()
        except (QuestionnaireFileError, QuestionnaireFrozenError) as exc:
            raise CommandError(str(exc)) from exc
        created = seed_demo_history()
        for year, count in sorted(created.items()):
            self.stdout.write(f"Cycle {year}: {count} demo reports created.")
        logins = create_demo_users()
        self.stdout.write(f"\nDemo log-ins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.email:<36} {login.role}")
