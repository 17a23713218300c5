"""The Secretary-General-style cycle report: the whole pipeline against WeasyPrint alone.

A report of about 25 pages (standard structure, generated paragraphs and tables, some 60 narrative
paragraphs, the three annexes with charts) for the newest closed cycle of the benchmark history.
Measured in the same run: the pipeline (read the statistics, fill the wording, draw the charts,
render the templates, WeasyPrint) and WeasyPrint alone on the final HTML. Targets: pipeline at most
1.3 times WeasyPrint alone; the pipeline's process at most 300 MB at its peak.

Run by bench/run.py on the benchmark database (195 States x 12 cycles of full answers).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from bench.results import emit  # noqa: E402
from reports.models import ReportingCycle, SummarySection  # noqa: E402
from reports.pdf import html_to_pdf_pages  # noqa: E402
from reports.statistics.compile import compile_cycle  # noqa: E402
from reports.summary import services  # noqa: E402
from reports.summary.document import build_document, load_report  # noqa: E402
from reports.summary.render import document_html  # noqa: E402

TARGET_RATIO = 1.3
TARGET_PEAK_MB = 300
ROUNDS = 3
PARAGRAPH = (
    "The {region} States continued to implement the Programme of Action through national "
    "coordination agencies, the marking of small arms and light weapons at manufacture and on "
    "import, and the keeping of records for at least 20 years, as called for in paragraphs 11 and "
    "12 of the International Tracing Instrument. Several States reported new laws on brokering and "
    "on the management of stockpiles held by the armed forces and the police, and described "
    "programmes for the collection and destruction of illicit weapons carried out with the "
    "support of regional organizations and of the United Nations Regional Centre.[^See the "
    "national report of each State concerned, available on the portal.] States also reported "
    "tracing requests sent to and received from other States and the assistance they provided."
)


def pipeline(report_id: int) -> tuple[bytes, int, str]:
    report = load_report(report_id)
    document = build_document(report)
    html = document_html(document)
    pdf, pages = html_to_pdf_pages(html)
    return pdf, pages, html


def prepare() -> int:
    closed = [c for c in ReportingCycle.objects.order_by("year") if not c.is_open()]
    for cycle in closed:
        compile_cycle(cycle, reason="benchmark")
    cycle = closed[-1]
    report = services.create_summary_report(cycle=cycle)
    regions = ["African", "American", "Asian and Pacific", "European"]
    chapter = services.add_section(
        report=report, level=1, title="Activities at the regional level", after=None
    )
    SummarySection.objects.filter(pk=chapter.pk).update(position=25)
    for index, region in enumerate(regions):
        section = services.add_section(report=report, level=2, title=f"{region} States", after=None)
        SummarySection.objects.filter(pk=section.pk).update(position=26 + index)
        for _ in range(24):
            services.add_paragraph(
                section=section, kind="narrative", text=PARAGRAPH.format(region=region)
            )
    return report.pk


def child(report_id: int) -> None:
    """The pipeline alone in a fresh process, to measure its peak memory."""
    started = time.perf_counter()
    _pdf, pages, _html = pipeline(report_id)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "pages": pages, "peak_mb": peak_mb}))


def main() -> int:
    report_id = prepare()
    _pdf, pages, html = pipeline(report_id)  # warm-up: fonts, templates, matplotlib
    whole, alone = [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        pipeline(report_id)
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        html_to_pdf_pages(html)
        alone.append(time.perf_counter() - started)
    ratio = statistics.median(whole) / statistics.median(alone)
    measured = subprocess.run(
        [sys.executable, __file__, "--child", str(report_id)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    peak = json.loads(measured.stdout.strip().splitlines()[-1])["peak_mb"]
    ratio_ok = emit(
        f"summary report PDF ({pages} pages) vs WeasyPrint alone",
        value=ratio,
        unit="x",
        target=TARGET_RATIO,
        better="lower",
        pipeline_s=round(statistics.median(whole), 3),
        weasyprint_s=round(statistics.median(alone), 3),
        pages=pages,
    )
    peak_ok = emit(
        "summary report PDF peak memory",
        value=peak,
        unit="MB",
        target=TARGET_PEAK_MB,
        better="lower",
    )
    return 0 if ratio_ok and peak_ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        sys.exit(0)
    sys.exit(main())
