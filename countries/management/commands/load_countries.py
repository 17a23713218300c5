from django.core.management.base import BaseCommand

from countries.services import sync_reference_countries


class Command(BaseCommand):
    help = "Load or refresh the States, UN regional groups and report regions from countries/data/."

    def handle(self, *args, **options) -> None:
        summary = sync_reference_countries()
        self.stdout.write(
            f"States: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged."
        )
