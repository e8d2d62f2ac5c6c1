"""Parse time of every sample file, by format: the five texts, the real exports and the
samples of each format in tests/data/ (no database; the parse only, as import_dump reads it).

    .venv/bin/python bench/parse_times.py [--runs 20]

Prints one Markdown row per file: format, file, articles, comments, median parse time."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from importers.parsed import ParseError  # noqa: E402
from importers.source_file import SourceFile, parse_source  # noqa: E402

FOLDERS = ["fixtures", "tests/data/realworld", "tests/data/blogger", "tests/data/dotclear",
           "tests/data/movable-type", "tests/data/html-page"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print("| format | file | articles | comments | median parse |")
    print("|---|---|---|---|---|")
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).glob("*")):
            if not path.is_file() or path.suffix.lower() in {".md"}:
                continue
            source = SourceFile(path, path.read_bytes())
            times, outcome = [], None
            for _ in range(args.runs):
                started = time.perf_counter()
                try:
                    outcome = parse_source(source)
                except ParseError as error:
                    outcome = error
                times.append(time.perf_counter() - started)
            ms = statistics.median(times) * 1000
            name = f"{folder}/{path.name}"
            if isinstance(outcome, ParseError):
                print(f"| (refused) | {name} | | | {ms:.2f} ms: {str(outcome)[:90]} |")
                continue
            comments = sum(len(a.comments) for a in outcome.articles)
            print(f"| {outcome.format} | {name} | {len(outcome.articles)} | {comments} | "
                  f"{ms:.2f} ms |")  # fmt: skip


if __name__ == "__main__":
    main()
