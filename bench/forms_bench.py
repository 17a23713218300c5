"""Server time of the largest section page and of an autosave, against a bare Django view that
answers the same number of bytes through the same middleware. Target: at most 3 times as slow.

Run by bench/run.py on the benchmark database (195 States x 12 cycles of full answers).
`--profile section|autosave` prints a cProfile of the measured call instead (for finding where the
time goes; the numbers of a profiled run are not the benchmark's).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bench.results import emit  # noqa: E402
from countries.models import CountryMembership  # noqa: E402
from reports.models import Answer, NationalReport, Question, QuestionType, Section  # noqa: E402

TARGET_RATIO = 3.0
ROUNDS = 60


def timed_pair(call, baseline, rounds: int = ROUNDS) -> tuple[float, float]:
    """Median seconds of `call` and of `baseline`, after two warm-up calls of each.

    The two alternate, so a busy moment on the machine slows both rather than one.
    """
    for _ in range(2):
        call()
        baseline()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for function, times in ((call, samples[0]), (baseline, samples[1])):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    return statistics.median(samples[0]), statistics.median(samples[1])


@dataclass
class Measured:
    """One measured call and its bare view (same bytes, same middleware, same user)."""

    name: str
    call: Callable
    bare: Callable


def prepare() -> list[Measured]:
    """The largest report of the newest cycle, as a draft its (new) submitter edits."""
    report = (
        NationalReport.objects.filter(cycle__year=2026)
        .annotate(n=Count("answers"))
        .order_by("-n")
        .select_related("cycle", "country")
        .first()
    )
    NationalReport.objects.filter(pk=report.pk).update(status=NationalReport.Status.DRAFT)
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(email="bench@poa-reports.local")
    CountryMembership.objects.get_or_create(
        user=user, country=report.country, defaults={"role": "submitter"}
    )
    section = (
        Section.objects.filter(version_id=report.cycle.questionnaire_id)
        .annotate(n=Count("questions"))
        .order_by("-n")
        .first()
    )
    text_question = Question.objects.filter(
        version_id=report.cycle.questionnaire_id, type=QuestionType.TEXT
    ).first()
    client = Client()
    client.force_login(user)

    page_url = f"/reports/{report.pk}/sections/{section.code}/"
    size = len(client.get(page_url).content)
    measured = [
        Measured(
            f"section page {section.code} ({size:,} bytes)",
            lambda: client.get(page_url),
            lambda: client.get(f"/bench/bare/{size}/"),
        )
    ]

    answer = Answer.objects.filter(report=report, question=text_question).first()
    # Like the page's script, the next save is based on the version the last one returned
    # (reading it from the database here would add a query to the time measured).
    counter = {"n": 0, "version": answer.version if answer else 0}

    def autosave():
        counter["n"] += 1
        response = client.post(
            f"/reports/{report.pk}/autosave/",
            {
                "question": text_question.code,
                f"v-{text_question.code}": str(counter["version"]),
                f"q-{text_question.code}": f"Benchmark text {counter['n']}",
            },
        )
        assert response.status_code == 200, response.content
        counter["version"] = response.json()["version"]
        return response

    save_size = len(autosave().content)
    measured.append(
        Measured(
            f"autosave ({save_size:,} bytes)",
            autosave,
            lambda: client.post(f"/bench/bare/{save_size}/", {"a": "b"}),
        )
    )
    return measured


def profile(which: str, calls: int = 200) -> None:
    import cProfile
    import pstats

    item = next(m for m in prepare() if m.name.startswith(which))  # "section", "autosave"
    for _ in range(5):
        item.call()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        item.call()
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    stats.print_stats(60)
    stats.sort_stats("tottime").print_stats(30)


def main() -> int:
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"], DEBUG=False):
        if len(sys.argv) > 2 and sys.argv[1] == "--profile":
            profile(sys.argv[2])
            return 0
        passed = True
        for item in prepare():
            measured, baseline = timed_pair(item.call, item.bare)
            print(f"{item.name}: {measured * 1000:.1f} ms vs bare view {baseline * 1000:.1f} ms")
            passed &= emit(
                f"forms: {item.name} vs bare view",
                value=measured / baseline,
                unit="x",
                target=TARGET_RATIO,
                better="lower",
                measured_ms=round(measured * 1000, 2),
                bare_ms=round(baseline * 1000, 2),
            )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
