import time

from django.core.management.base import BaseCommand, CommandError

from reports.models import ReportingCycle, StatisticsRun
from reports.statistics.compile import compile_cycle, waiting_run


class Command(BaseCommand):
    help = (
        "Compile the statistics of one reporting cycle (--cycle YEAR) or of every cycle, now, "
        "with the same code the Celery workers run. Cycles whose inputs did not change are skipped "
        "unless --force is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cycle", type=int, metavar="YEAR", help="the cycle's year, e.g. 2018")
        parser.add_argument(
            "--force", action="store_true", help="recompile even when nothing changed"
        )

    def handle(self, *args, cycle: int | None, force: bool, **options) -> None:
        cycles = ReportingCycle.objects.order_by("year")
        if cycle is not None:
            cycles = cycles.filter(year=cycle)
            if not cycles.exists():
                years = ", ".join(
                    str(y) for y in ReportingCycle.objects.values_list("year", flat=True)
                )
                raise CommandError(f"There is no {cycle} cycle. Cycles: {years or 'none'}.")
        failed = 0
        for each in cycles:
            started = time.monotonic()
            try:
                run = compile_cycle(
                    each, run=waiting_run(each), force=force, reason="compile_statistics command"
                )
            except Exception as error:
                failed += 1
                self.stderr.write(f"{each.year}: failed: {error}")
                continue
            seconds = time.monotonic() - started
            if run.status == StatisticsRun.Status.UNCHANGED:
                self.stdout.write(f"{each.year}: unchanged ({seconds:.1f} s)")
            else:
                counted = each.statistics.reports_counted
                self.stdout.write(f"{each.year}: {counted} reports counted ({seconds:.1f} s)")
        if failed:
            raise CommandError(f"{failed} cycle(s) failed.")
