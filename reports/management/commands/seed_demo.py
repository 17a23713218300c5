from django.core.management.base import BaseCommand, CommandError

from reports.demo import DEMO_PASSWORD, create_demo_users, load_reference_data, seed_demo_history
from reports.models import ReportingCycle
from reports.questionnaire_files import QuestionnaireFileError
from reports.services import QuestionnaireFrozenError
from reports.statistics.compile import compile_cycle


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
        # The statistics pages then have numbers at once (cycles that did not change are skipped).
        for cycle in ReportingCycle.objects.order_by("year"):
            compile_cycle(cycle, reason="seed_demo")
        self.stdout.write("Statistics compiled for every cycle.")
        logins = create_demo_users()
        self.stdout.write(f"\nDemo log-ins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.email:<36} {login.role}")
        self.stdout.write(
            "\nSecretariat staff also give a second step: add the key to an authenticator app "
            "(time-based, 6 digits),\nor type one of the recovery codes (each works once):"
        )
        for login in logins:
            if login.authenticator_key:
                codes = login.recovery_codes
                self.stdout.write(f"  {login.email:<36} key {login.authenticator_key}")
                for start in range(0, len(codes), 5):
                    label = "recovery codes" if start == 0 else ""
                    self.stdout.write(
                        f"  {'':<36} {label:<15} {' '.join(codes[start : start + 5])}"
                    )
