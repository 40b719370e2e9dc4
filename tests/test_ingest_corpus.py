"""The annotated real pages in tests/data/ingest/pages/ (the tuning set) and
tests/data/ingest/heldout/ (the held-out set): the annotations are well formed and true
to their pages, the matching rules of the evaluation behave, and ingest reads the tuning
set at least as well as the floors below. The held-out set has no floors: it reports
honest figures, and floors would invite tuning on it."""

import hashlib
import json

import pytest

from ingest import evaluation
from ingest.evaluation import check_annotation, head_noun, match_people, match_sources

PAGES = evaluation.load_pages()
HELDOUT = evaluation.load_set("heldout")

# Floors over the whole corpus (micro-averaged). Raise them as ingest improves.
# Below the measured figures (people 97 % precise, 99 % found; sources 87 % and 88 %),
# with room for a page or two of change, not for a rule that stops working.
PEOPLE_RECALL_FLOOR = 0.9
PEOPLE_PRECISION_FLOOR = 0.9
SOURCES_RECALL_FLOOR = 0.8
SOURCES_PRECISION_FLOOR = 0.8


def test_the_corpus_has_the_shapes_the_issue_asks_for():
    html_pages = [page for page in PAGES if page.path.suffix == ".html"]
    assert len(html_pages) >= 12
    assert {page.path.stem for page in html_pages} == {page.slug for page in html_pages}
    # Every page in the folder is annotated.
    on_disk = {path.stem for path in evaluation.PAGES_DIR.glob("*.html")}
    assert on_disk == {page.slug for page in html_pages}

    languages = [page.annotation["language"] for page in PAGES]
    assert sum(1 for language in languages if language != "en") >= 2
    shapes = {shape for page in PAGES for shape in page.annotation["shape"]}
    for wanted in ("byline", "embedded junk", "wire", "press release", "paywall prompt"):
        assert wanted in shapes, wanted
    assert any(source["anonymous"] for page in PAGES for source in page.annotation["sources"]), (
        "no anonymous source anywhere"
    )


def test_the_held_out_set_is_apart_from_the_tuning_set_and_has_the_shapes_asked_for():
    assert len(HELDOUT) >= 8
    on_disk = {path.stem for path in evaluation.HELDOUT_DIR.glob("*.html")}
    assert on_disk == {page.slug for page in HELDOUT}
    assert all(page.path.parent == evaluation.HELDOUT_DIR for page in HELDOUT)
    # No page of the tuning set comes back under another name.
    assert not {page.slug for page in HELDOUT} & {page.slug for page in PAGES}
    tuning_digests = {hashlib.sha256(page.data).hexdigest() for page in PAGES}
    assert not {hashlib.sha256(page.data).hexdigest() for page in HELDOUT} & tuning_digests
    tuning_origins = {page.annotation["taken_from"].split(" (")[0] for page in PAGES}
    assert not {page.annotation["taken_from"].split(" (")[0] for page in HELDOUT} & tuning_origins

    languages = {page.annotation["language"] for page in HELDOUT}
    assert "es" in languages and {"fr", "de"} <= languages
    shapes = {shape for page in HELDOUT for shape in page.annotation["shape"]}
    for wanted in ("press release", "wire", "byline"):
        assert wanted in shapes, wanted
    assert evaluation.load_set("all") == PAGES + HELDOUT
    with pytest.raises(ValueError, match="no set 'pages'"):
        evaluation.load_set("pages")


def test_the_seed_is_annotated_with_the_demo_people_and_sources():
    from articles.management.commands.load_demo import PEOPLE, SOURCES

    seed = next(page for page in PAGES if page.annotation.get("file"))
    assert seed.path.is_file()
    assert [p["name"] for p in seed.annotation["people"]] == [name for name, *_ in PEOPLE]
    assert [(s["name"], s["kind"]) for s in seed.annotation["sources"]] == [
        (name, str(kind)) for name, _slug, kind, *_ in SOURCES
    ]


@pytest.mark.parametrize("page", PAGES + HELDOUT, ids=[page.slug for page in PAGES + HELDOUT])
def test_annotation_is_well_formed_and_true_to_its_page(page):
    assert check_annotation(page) == []


def test_a_wrong_annotation_is_caught(tmp_path):
    (tmp_path / "p.html").write_text(
        "<html><body><nav>Sign up to our newsletter</nav>"
        "<p>The mayor said the bridge will reopen on Monday.</p></body></html>",
        encoding="utf-8",
    )
    annotation = {
        "origin": "example.com/story",
        "taken_from": "made up",
        "language": "english",
        "shape": [],
        "headline": "Bridge",
        "people": [{"name": "Ann Mayor"}],
        "sources": [{"name": "The mayor", "anonymous": "no", "kind": "mayor"}],
        "must_keep": ["The mayor said the bridge will reopen on Tuesday.", "x", "y"],
        "junk": ["Sign up to our newsletter", "Share this", "Read more"],
    }
    (tmp_path / "p.json").write_text(json.dumps(annotation), encoding="utf-8")
    (page,) = evaluation.load_pages(tmp_path)
    problems = "\n".join(check_annotation(page))
    assert "origin is not an absolute" in problems
    assert "two-letter" in problems
    assert "without a title" in problems
    assert "anonymous true/false" in problems
    assert "unknown kind" in problems
    assert "must_keep not in the page: 'The mayor said the bridge will reopen on Tue" in problems
    assert "junk not in the page: 'Share this'" in problems
    assert "junk not in the page: 'Sign up" not in problems


def test_people_match_by_full_name_words_or_surname_one_to_one():
    expected = [
        {"name": "Donald J. Trump"},
        {"name": "Eric Reeves"},
        {"name": "Robert Mugabe"},
        {"name": "Grace Mugabe"},
        {"name": "Habib Essid"},
    ]
    match = match_people(
        ["Trump", "Mr. Reeves", "Grace Mugabe", "Mugabe", "Heba Habib", "Nato"], expected
    )
    assert dict(match.pairs) == {
        "Trump": "Donald J. Trump",
        "Mr. Reeves": "Eric Reeves",
        "Grace Mugabe": "Grace Mugabe",
        "Mugabe": "Robert Mugabe",
    }
    # A first name that is someone else's surname is no match.
    assert match.extra == ["Heba Habib", "Nato"]
    assert match.missing == ["Habib Essid"]
    assert (match.precision, match.recall) == (4 / 6, 4 / 5)

    # One person suggested twice is one right and one extra, not two right.
    twice = match_people(["Donald Trump", "President Donald Trump"], [{"name": "Donald Trump"}])
    assert (twice.correct, twice.extra) == (1, ["President Donald Trump"])

    # Case and diacritics do not matter.
    assert match_people(["VOLODYMYR ZELENSKYY"], ["Volodymyr Zelenskyy"]).correct == 1
    assert match_people(["Renée Zellweger"], ["Renee Zellweger"]).correct == 1


def test_sources_match_by_name_alias_or_head_noun_and_anonymity_must_agree():
    expected = [
        {"name": "Roscosmos", "anonymous": False, "aliases": ["the Russian space agency"]},
        {"name": "The Kremlin", "anonymous": False},
        {"name": "A western official", "anonymous": True},
        {"name": "People involved in the EU’s lobbying efforts", "anonymous": True},
        {"name": "Analysts", "anonymous": True},
    ]
    match = match_sources(
        [
            ("Russian space agency", False),
            ("Kremlin", False),
            ("one western official", True),
            ("people involved in the efforts", True),
            ("Analysts", False),  # named, but the story does not name them
        ],
        expected,
    )
    assert dict(match.pairs) == {
        "Russian space agency": "Roscosmos",
        "Kremlin": "The Kremlin",
        "one western official": "A western official",
        "people involved in the efforts": "People involved in the EU’s lobbying efforts",
    }
    assert match.extra == ["Analysts"] and match.missing == ["Analysts"]

    # A different role is a different source.
    assert match_sources([("a western diplomat", True)], expected[2:3]).correct == 0
    # Objects with .name and .anonymous, as suggestions are, work too.
    hint = type("Hint", (), {"name": "one western official", "anonymous": True})()
    assert match_sources([hint], expected[2:3]).correct == 1


def test_head_nouns_in_english_and_languages_with_adjectives_after_the_noun():
    assert head_noun("A senior member of the Ukrainian president’s team") == "member"
    assert head_noun("Obama administration officials") == "official"
    assert head_noun("sources familiar with the matter") == "source"
    assert head_noun("Une source du Quai d’Orsay", "fr") == "source"
    assert head_noun("un haut responsable américain", "fr") == "responsable"
    assert head_noun("ein Sprecher des Ministeriums", "de") == "sprecher"


@pytest.mark.django_db
def test_ingest_reads_the_corpus_above_the_floors():
    result = evaluation.score(PAGES)
    lost = {row["slug"]: row["must_keep_lost"] for row in result["pages"] if row["must_keep_lost"]}
    junk = {row["slug"]: row["junk_found"] for row in result["pages"] if row["junk_found"]}
    assert lost == {}, "news sentences lost"
    assert junk == {}, "junk left in drafts"

    people = result["totals"]["people"]
    missed = {row["slug"]: row["people"].missing for row in result["pages"]}
    extra = {row["slug"]: row["people"].extra for row in result["pages"]}
    assert people["recall"] >= PEOPLE_RECALL_FLOOR, missed
    assert people["precision"] >= PEOPLE_PRECISION_FLOOR, extra

    sources = result["totals"]["sources"]
    missed = {row["slug"]: row["sources"].missing for row in result["pages"]}
    extra = {row["slug"]: row["sources"].extra for row in result["pages"]}
    assert sources["recall"] >= SOURCES_RECALL_FLOOR, missed
    assert sources["precision"] >= SOURCES_PRECISION_FLOOR, extra


def test_page_text_is_the_visible_text_correctly_decoded():
    # The New York Times page declares no charset before its first bytes of UTF-8.
    nytimes = next(page for page in PAGES if page.slug == "nytimes-sudan-sanctions")
    text = evaluation.page_text(nytimes)
    assert "as a guest of Sudan’s government" in text
    assert "â€" not in text and "Ã" not in text
    # Scripts and styles are not text a reader sees.
    assert "function(" not in text and "{display:" not in text.replace(" ", "")
