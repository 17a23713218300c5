"""Requests per second of GET /api/v1/reports/ (a page of 50, secretariat token) against a bare
DRF view answering the same JSON with the same authentication, permission and throttle classes.
Target: at least 0.4 times the bare view's rate.

Run by bench/run.py on the benchmark database (195 States x 12 cycles of full answers); in-process
through the Django test client, like forms_bench.py, the two alternating request by request.
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

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

import bench.urls  # noqa: E402
from accounts.models import ApiToken  # noqa: E402
from accounts.services import ADMINISTRATORS, ensure_role_groups  # noqa: E402
from accounts.tokens import create_token  # noqa: E402
from accounts.two_factor import ensure_demo_device  # noqa: E402
from bench.results import emit  # noqa: E402

TARGET_RATIO = 0.4
ROUNDS = 200
URL = "/api/v1/reports/?page_size=50"


def main() -> int:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        email="api-bench@poa-reports.local", defaults={"is_staff": True}
    )
    user.groups.add(ensure_role_groups()[ADMINISTRATORS])
    # The previous runs' tokens: a person may hold only so many, and a rerun must not fail.
    ApiToken.objects.filter(user=user, name="benchmark").delete()
    ensure_demo_device(user)  # staff use the API, with a token too, only with two-step verification
    _token, raw = create_token(user=user, name="benchmark", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    rates = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1000000/minute"}}
    with override_settings(
        ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"], DEBUG=False, REST_FRAMEWORK=rates
    ):
        cache.clear()
        first = client.get(URL)
        assert first.status_code == 200, first.content[:500]
        payload = first.json()
        bench.urls.API_PAYLOAD.update(payload)
        bare = client.get("/bench/bare-api/")
        assert bare.status_code == 200 and bare.json() == payload
        rows = len(payload["results"])
        samples: tuple[list[float], list[float]] = ([], [])
        for _ in range(5):
            client.get(URL)
            client.get("/bench/bare-api/")
        for _ in range(ROUNDS):
            for url, times in ((URL, samples[0]), ("/bench/bare-api/", samples[1])):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
    api_rate = 1 / statistics.median(samples[0])
    bare_rate = 1 / statistics.median(samples[1])
    print(
        f"API GET /api/v1/reports/ ({rows} of {payload['count']:,} reports, "
        f"{len(first.content):,} bytes): {api_rate:.0f} requests/s vs bare DRF view "
        f"{bare_rate:.0f} requests/s"
    )
    ok = emit(
        "api_list",
        value=api_rate / bare_rate,
        unit="x",
        target=TARGET_RATIO,
        better="higher",
        measured_rps=round(api_rate, 1),
        bare_rps=round(bare_rate, 1),
        reports=payload["count"],
        rows=rows,
        bytes=len(first.content),
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
