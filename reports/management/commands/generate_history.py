import time

from django.core.management.base import BaseCommand, CommandError

from reports.demo import generate_history, load_reference_data


class Command(BaseCommand):
    help = "Write a large synthetic reporting history (for benchmarks), in bulk."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--states", type=int, default=195, help="number of States (1–195)")
        parser.add_argument("--cycles", type=int, default=12, help="number of cycles (1–50)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, states: int, cycles: int, seed: int, **options) -> None:
        if not 1 <= states <= 195:
            raise CommandError("--states must be between 1 and 195.")
        if not 1 <= cycles <= 50:
            raise CommandError("--cycles must be between 1 and 50.")
        started = time.monotonic()
        load_reference_data()
        created = generate_history(
            states=states, cycles=cycles, seed=seed, progress=self.stdout.write
        )
        self.stdout.write(f"{created} reports created in {time.monotonic() - started:.1f} s.")
