"""How well ingest reads the annotated real pages in tests/data/ingest/.

    .venv/bin/python bench/ingest_eval.py            a table per set, one line a page, then
                                                     the set's totals
    .venv/bin/python bench/ingest_eval.py --set heldout
                                                     only one set: "tuning" (pages/, the
                                                     rules were tuned on them), "heldout"
                                                     (heldout/, never used to tune), or
                                                     "all" (the default)
    .venv/bin/python bench/ingest_eval.py --json     the same as JSON
    .venv/bin/python bench/ingest_eval.py --demo     with the demo's people and sources in
                                                     the directory (load_demo), not empty
    .venv/bin/python bench/ingest_eval.py -v         also what was missed and what was extra
    .venv/bin/python bench/ingest_eval.py SLUG ...   only these pages

Each page is read with ingest.extract.read_document and its paragraphs go through
ingest.attribution.suggest; the comparison with the annotation is ingest.evaluation's.
The database is an in-memory SQLite made for the run: nothing is written anywhere else.
"""

import argparse
import json
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings_test")
# Suggesting may read the tag and section vocabularies: an empty database of the
# run's own answers that without touching a real one.
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from ingest import evaluation  # noqa: E402

SET_WORDS = {
    "tuning": "tests/data/ingest/pages/, the rules were tuned on them",
    "heldout": "tests/data/ingest/heldout/, never used to tune the rules",
}


def _percent(value):
    return "   -" if value is None else f"{value * 100:4.0f}"


def _fraction(pair) -> str:
    return f"{pair[0]}/{pair[1]}"


def _row_for_json(row: dict) -> dict:
    out = dict(row)
    for key in ("people", "sources"):
        match = row[key]
        out[key] = {
            "precision": match.precision,
            "recall": match.recall,
            "correct": match.correct,
            "suggested": match.suggested,
            "expected": match.expected,
            "pairs": match.pairs,
            "extra": match.extra,
            "missing": match.missing,
        }
    return out


def print_table(result: dict, *, verbose: bool = False, title: str = "", out=sys.stdout) -> None:
    if title:
        print(title, file=out)
    header = (
        f"{'page':32} {'lang':4} {'ppl P':>5} {'ppl R':>5} {'src P':>5} {'src R':>5} "
        f"{'kept':>6} {'junk':>5} {'words':>6} {'ms':>6}"
    )
    print(header, file=out)
    print("-" * len(header), file=out)
    for row in result["pages"]:
        people, sources = row["people"], row["sources"]
        print(
            f"{row['slug'][:32]:32} {row['language']:4} "
            f"{_percent(people.precision):>5} {_percent(people.recall):>5} "
            f"{_percent(sources.precision):>5} {_percent(sources.recall):>5} "
            f"{_fraction(row['must_keep']):>6} {_fraction(row['junk_left']):>5} "
            f"{row['words']:6d} {row['seconds'] * 1000:6.0f}",
            file=out,
        )
        if verbose:
            for label, match in (("people", people), ("sources", sources)):
                if match.missing:
                    print(f"    {label} missed: {', '.join(match.missing)}", file=out)
                if match.extra:
                    print(f"    {label} extra:  {', '.join(match.extra)}", file=out)
            for sentence in row["must_keep_lost"]:
                print(f"    lost: {sentence[:90]}", file=out)
            for junk in row["junk_found"]:
                print(f"    junk left: {junk[:90]}", file=out)
    totals = result["totals"]
    print("-" * len(header), file=out)
    people, sources = totals["people"], totals["sources"]
    print(
        f"{'total (micro-averaged)':32} {'':4} "
        f"{_percent(people['precision']):>5} {_percent(people['recall']):>5} "
        f"{_percent(sources['precision']):>5} {_percent(sources['recall']):>5} "
        f"{_fraction(totals['must_keep']):>6} {_fraction(totals['junk_left']):>5} "
        f"{totals['words']:6d} {totals['seconds'] * 1000:6.0f}",
        file=out,
    )
    print(
        f"people {people['correct']}/{people['suggested']} suggested right, "
        f"{people['correct']}/{people['expected']} expected found; sources "
        f"{sources['correct']}/{sources['suggested']}, {sources['correct']}/{sources['expected']}; "
        f"headlines as annotated {totals['headline_ok']}/{totals['pages']}",
        file=out,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slugs", nargs="*", help="only these pages")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--demo", action="store_true", help="the demo's records in the directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="show misses and extras")
    parser.add_argument(
        "--set",
        choices=[*evaluation.SETS, "all"],
        default="all",
        help="which pages: tuning, heldout or all (each set with its own totals)",
    )
    args = parser.parse_args(argv)

    names = list(evaluation.SETS) if args.set == "all" else [args.set]
    sets = {name: evaluation.load_set(name) for name in names}
    if args.slugs:
        known = {page.slug for pages in sets.values() for page in pages}
        unknown = set(args.slugs) - known
        if unknown:
            parser.error(f"no such page: {', '.join(sorted(unknown))}")
        sets = {
            name: [page for page in pages if page.slug in args.slugs]
            for name, pages in sets.items()
        }
        sets = {name: pages for name, pages in sets.items() if pages}

    # Migrating and loading the demo log what they would do on a real site (purges,
    # the job queue), and extraction warns about odd markup; the log goes to standard
    # output, where it would spoil the table and the JSON.
    logging.disable(logging.CRITICAL)
    call_command("migrate", verbosity=0)
    directory = None
    if args.demo:
        from ingest.attribution import Directory

        call_command("load_demo", verbosity=0)
        directory = Directory.from_db()
    logging.disable(logging.WARNING)

    # Each set is scored and totalled on its own: the tuning set's figures flatter the
    # rules, and mixing them in would hide the held-out ones.
    results = {name: evaluation.score(pages, directory=directory) for name, pages in sets.items()}
    if args.json:
        payload = {
            name: {
                "pages": [_row_for_json(row) for row in result["pages"]],
                "totals": result["totals"],
            }
            for name, result in results.items()
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for i, (name, result) in enumerate(results.items()):
            if i:
                print()
            print_table(result, verbose=args.verbose, title=f"{name} set ({SET_WORDS[name]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
