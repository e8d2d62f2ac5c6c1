"""The import's reference: the same comments written as comment-shaped rows by the fastest
path the database has (PostgreSQL COPY; SQLite executemany in one transaction).

    .venv/bin/python bench/copy_ref.py DATABASE_URL FILE.json [FILE.json ...]

The archives are read first (not timed: this is the write's reference); the timed part
builds the rows and writes them, tree fields included, into a table with the comment
table's shape and main indexes. Prints {"rows": n, "seconds": s} as JSON."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from datetime import datetime
from urllib.parse import urlparse

COLUMNS = (
    "id", "article_id", "parent_id", "author_id", "author_as_written", "author_url",
    "posted_at", "date_raw", "body", "body_html", "kind", "position", "source_id",
    "content_hash", "status", "is_public", "flags", "origin", "stance", "stance_source",
    "auto_stance", "auto_confidence", "auto_cues", "lft", "rght", "tree_id", "level",
)  # fmt: skip
DDL = """
CREATE TABLE bench_copy (
  id bigint PRIMARY KEY, article_id bigint NOT NULL, parent_id bigint, author_id bigint,
  author_as_written text NOT NULL, author_url text NOT NULL, posted_at {ts}, date_raw text,
  body text NOT NULL, body_html text NOT NULL, kind varchar(12) NOT NULL, position integer,
  source_id text, content_hash varchar(64) NOT NULL, status text NOT NULL,
  is_public boolean NOT NULL, flags {js} NOT NULL, origin varchar(40) NOT NULL,
  stance varchar(10) NOT NULL, stance_source varchar(8) NOT NULL, auto_stance varchar(10),
  auto_confidence double precision, auto_cues {js} NOT NULL,
  lft integer NOT NULL, rght integer NOT NULL, tree_id integer NOT NULL, level integer NOT NULL
)"""
INDEXES = (
    "CREATE INDEX bench_copy_article ON bench_copy (article_id, position)",
    "CREATE INDEX bench_copy_tree ON bench_copy (tree_id, lft)",
    "CREATE INDEX bench_copy_parent ON bench_copy (parent_id)",
    "CREATE INDEX bench_copy_author ON bench_copy (author_id)",
)


def tree_fields(comments: list[dict], tree_base: int) -> dict[int, tuple[int, int, int, int]]:
    """{id: (lft, rght, tree_id, level)} in one pass, roots in source order."""
    children: dict[int | None, list[dict]] = {}
    for c in comments:
        children.setdefault(c.get("parent"), []).append(c)
    out: dict[int, tuple[int, int, int, int]] = {}
    for tree, root in enumerate(children.get(None, []), start=tree_base):
        counter = 1
        stack: list[tuple[dict, int, bool]] = [(root, 0, False)]
        lefts: dict[int, int] = {}
        while stack:
            node, level, done = stack.pop()
            if done:
                out[node["id"]] = (lefts[node["id"]], counter, tree, level)
                counter += 1
                continue
            lefts[node["id"]] = counter
            counter += 1
            stack.append((node, level, True))
            for child in reversed(children.get(node["id"], [])):
                stack.append((child, level + 1, False))
    return out


class Rows:
    """Rows of one archive at a time (a million comments' documents would not fit twice),
    numbering articles, trees and authors across files."""

    def __init__(self) -> None:
        self.tree_base = 1
        self.article_id = 0
        self.slugs: dict[str, int] = {}

    def __call__(self, document: dict):
        slugs = self.slugs
        for article in document["articles"]:
            self.article_id += 1
            article_id = self.article_id
            tree = tree_fields(article["comments"], self.tree_base)
            self.tree_base += sum(1 for c in article["comments"] if c.get("parent") is None)
            for c in article["comments"]:
                lft, rght, tree_id, level = tree[c["id"]]
                slug = c.get("author_slug")
                author = slugs.setdefault(slug, len(slugs) + 1) if slug else None
                auto = c.get("auto") or {}
                yield (
                    c["id"], article_id, c.get("parent"), author, c["author_as_written"],
                    c["author_url"], datetime.fromisoformat(c["posted_at"]), c["date_raw"],
                    c["body"], c["body_html"], c["kind"], c["position"], c["source_id"],
                    "0" * 64, c["status"], True, json.dumps(c["flags"]), c["origin"],
                    c["stance"], c["stance_source"], auto.get("stance", ""),
                    auto.get("confidence"), json.dumps(auto.get("cues", [])),
                    lft, rght, tree_id, level,
                )  # fmt: skip


def main() -> None:
    url, files = sys.argv[1], sys.argv[2:]
    rows = Rows()
    n, seconds = 0, 0.0
    if url.startswith("sqlite"):
        db = sqlite3.connect(urlparse(url).path)
        db.execute("DROP TABLE IF EXISTS bench_copy")
        db.execute(DDL.format(ts="text", js="text"))
        for statement in INDEXES:
            db.execute(statement)
        db.commit()
        marks = ",".join("?" * len(COLUMNS))
        for f in files:
            document = json.loads(open(f, encoding="utf-8").read())  # reading is not timed
            started = time.perf_counter()
            with db:
                batch = [
                    tuple(v.isoformat() if isinstance(v, datetime) else v for v in row)
                    for row in rows(document)
                ]
                db.executemany(f"INSERT INTO bench_copy VALUES ({marks})", batch)
            n += len(batch)
            seconds += time.perf_counter() - started
    else:
        import psycopg

        with psycopg.connect(url) as db:
            db.execute("DROP TABLE IF EXISTS bench_copy")
            db.execute(DDL.format(ts="timestamptz", js="jsonb"))
            for statement in INDEXES:
                db.execute(statement)
            db.commit()
            for f in files:
                document = json.loads(open(f, encoding="utf-8").read())  # not timed
                started = time.perf_counter()
                with db.cursor() as cursor:
                    columns = ", ".join(COLUMNS)
                    with cursor.copy(f"COPY bench_copy ({columns}) FROM STDIN") as copy:
                        for row in rows(document):
                            copy.write_row(row)
                            n += 1
                db.commit()
                seconds += time.perf_counter() - started
            db.execute("DROP TABLE bench_copy")  # keep the reference database small
            db.commit()
    print(json.dumps({"rows": n, "seconds": seconds}))


if __name__ == "__main__":
    main()
