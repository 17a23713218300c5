from django.core.management.base import BaseCommand

from countries.services import sync_reference_countries


class Command(BaseCommand):
    help = "Load or refresh the States, UN regional groups and report regions from countries/data/."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="also re-apply the files to existing rows (overwrites staff edits to them)",
        )

    def handle(self, *args, update: bool, **options) -> None:
        summary = sync_reference_countries(update_existing=update)
        self.stdout.write(
            f"States: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged."
        )
