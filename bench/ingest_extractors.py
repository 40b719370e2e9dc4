"""Article extractors compared on the seed page and on readability's test pages.

    .venv/bin/pip install readability-lxml justext   # for this measurement only
    .venv/bin/python bench/ingest_extractors.py [READABILITY_REPO] [PAGE ...]

READABILITY_REPO is a clone (or bare mirror) of mozilla/readability; its test pages
come with the text readability itself keeps (expected.html), so the reference leans
towards readability. For each extractor and page it prints the share of the expected
words found (recall), the share of the words it gave that are not in the expected
text (junk), and the median time of three runs. "ingest" is `read_document`:
trafilatura plus the newsroom's junk rules.
"""

import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure()

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from ingest.extract import read_document  # noqa: E402

PAGES = [
    "bbc-1", "cnn", "guardian-1", "nytimes-2", "wapo-1", "telegraph", "breitbart",
    "seattletimes-1", "herald-sun-1", "lemonde-1", "yahoo-2", "engadget",
]  # fmt: skip


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def html_text(markup: str) -> str:
    return lxml.html.fromstring(markup).text_content() if markup.strip() else ""


def ingest(data: bytes) -> str:
    return read_document(data).text


def trafilatura_with(**options):
    def extract(data: bytes) -> str:
        return (
            trafilatura.extract(data, include_comments=False, include_tables=False, **options) or ""
        )

    return extract


def readability(data: bytes) -> str:
    from readability import Document  # pip install readability-lxml

    return html_text(Document(data).summary(html_partial=True))


def justext_paragraphs(data: bytes) -> str:
    import justext  # pip install justext

    paragraphs = justext.justext(data, justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


EXTRACTORS = {
    "ingest (trafilatura + rules)": ingest,
    "trafilatura": trafilatura_with(),
    "trafilatura precision": trafilatura_with(favor_precision=True),
    "trafilatura recall": trafilatura_with(favor_recall=True),
    "readability-lxml": readability,
    "jusText": justext_paragraphs,
}


def score(output: str, expected: str) -> tuple[float, float]:
    got, want = words(output), words(expected)
    found = sum((got & want).values())
    recall = found / max(1, sum(want.values()))
    junk = (sum(got.values()) - found) / max(1, sum(got.values()))
    return recall, junk


def timed(extract, data: bytes) -> tuple[str, float]:
    runs, output = [], ""
    for _ in range(3):
        start = time.perf_counter()
        try:
            output = extract(data)
        except Exception as error:  # a failing extractor scores nothing, the run goes on
            output = f"{type(error).__name__}"
        runs.append(time.perf_counter() - start)
    return output, statistics.median(runs)


def cases(repo: str, names: list[str]):
    seed_page = ROOT / "tests" / "data" / "ingest" / "trump-putin-call.wordpress.html"
    reference = ROOT / "articles" / "demo" / "trump-putin-call.txt"
    yield "seed (WordPress)", seed_page.read_bytes(), reference.read_text(encoding="utf-8")
    for name in names:
        show = ["git", "-C", repo, "show"]
        source = subprocess.run(
            [*show, f"HEAD:test/test-pages/{name}/source.html"], capture_output=True, check=True
        ).stdout
        expected = subprocess.run(
            [*show, f"HEAD:test/test-pages/{name}/expected.html"], capture_output=True, check=True
        ).stdout.decode("utf-8")
        yield name, source, html_text(expected)


def main(argv: list[str]) -> None:
    repo = argv[0] if argv else "/work/.mirror/mozilla+readability/repo"
    names = argv[1:] or PAGES
    totals = {name: [] for name in EXTRACTORS}
    print(f"{'page':<18}" + "".join(f"{name[:22]:>24}" for name in EXTRACTORS))
    for page, data, expected in cases(repo, names):
        row = []
        for name, extract in EXTRACTORS.items():
            output, seconds = timed(extract, data)
            recall, junk = score(output, expected)
            totals[name].append((recall, junk, seconds))
            row.append(f"{recall:5.0%} {junk:4.0%} {seconds * 1000:6.0f}ms")
        print(f"{page:<18}" + "".join(f"{cell:>24}" for cell in row))
    print(f"{'mean':<18}", end="")
    for name in EXTRACTORS:
        recall, junk, seconds = (
            statistics.mean(column) for column in zip(*totals[name], strict=True)
        )
        print(f"{f'{recall:5.0%} {junk:4.0%} {seconds * 1000:6.0f}ms':>24}", end="")
    print("\n(each cell: recall of the expected words, share of junk words, median time)")


if __name__ == "__main__":
    main(sys.argv[1:])
