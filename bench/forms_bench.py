"""Server time of the largest section page and of an autosave, against a bare Django view that
answers the same number of bytes through the same middleware. Target: at most 3 times as slow.

Run by bench/run.py on the benchmark database (195 States x 12 cycles of full answers).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

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


def main() -> int:
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
    results = []
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"], DEBUG=False):
        page_url = f"/reports/{report.pk}/sections/{section.code}/"
        size = len(client.get(page_url).content)
        page, bare = timed_pair(
            lambda: client.get(page_url), lambda: client.get(f"/bench/bare/{size}/")
        )
        results.append((f"section page {section.code} ({size:,} bytes)", page, bare))

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
        save, bare_post = timed_pair(
            autosave, lambda: client.post(f"/bench/bare/{save_size}/", {"a": "b"})
        )
        results.append((f"autosave ({save_size:,} bytes)", save, bare_post))
    failed = False
    for name, measured, baseline in results:
        ratio = measured / baseline
        verdict = "PASS" if ratio <= TARGET_RATIO else "OVER"
        failed |= verdict == "OVER"
        print(
            f"{name}: {measured * 1000:.1f} ms vs bare view {baseline * 1000:.1f} ms = "
            f"{ratio:.1f}x (target <= {TARGET_RATIO:.0f}x) {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
