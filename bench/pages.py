"""Page timings inside Django, for bench/run.py (one subprocess per database).

    DATABASE_URL=… DJANGO_SETTINGS_MODULE=bench.settings \
        .venv/bin/python bench/pages.py pages --requests 30 --budget 20 --isso-out FILE
    … bench/pages.py info

``pages`` times every thread, list, filter, participant and search page through Django's
test Client (the whole middleware stack, no network), and the thread pages' reference:
the same rows by raw SQL, rendered by plain Python with html.escape. ``info`` prints what
the load test needs. ``--only REGEX`` times the pages whose label ("thread 1000",
"/comments/<id>/ (deepest)", …) matches. Both print one JSON document on the last line of stdout."""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from threads.models import Article, Comment  # noqa: E402

THREAD_SIZES = (100, 1_000, 10_000)


def summary(timings: list[float]) -> dict:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"n": len(ordered), "median": statistics.median(ordered), "p95": p95,
            "min": ordered[0], "max": ordered[-1]}  # fmt: skip


def repeat(fn: Callable[[], object], requests: int, budget: float) -> dict:
    """``requests`` timed calls after one warm-up; stops early (and says so by n) when the
    time budget is spent, so that one slow page cannot hold the whole run."""
    fn()
    timings: list[float] = []
    deadline = time.perf_counter() + budget
    while len(timings) < requests:
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
        if time.perf_counter() > deadline:
            break
    return summary(timings)


def count_queries(fn: Callable[[], bytes]) -> tuple[int, bytes]:
    """SQL statements run by one call, on every database alias. (CaptureQueriesContext
    reads the query log, which the request_started signal empties mid-request.)"""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(counter))
        content = fn()
    return count, content


def get(client: Client, url: str) -> Callable[[], bytes]:
    def fetch() -> bytes:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return response.content

    return fetch


# --- the thread page's reference: raw SQL, plain Python ----------------------------------------

THREAD_SQL = """
SELECT c.id, c.level, c.kind, c.posted_at, c.body, c.stance, c.author_as_written,
       p.name, p.slug
FROM threads_comment c LEFT JOIN people_participant p ON p.id = c.author_id
WHERE c.article_id = %s AND c.is_public
ORDER BY c.tree_id, c.lft
"""


def raw_thread_page(article_id: int) -> str:
    """What the thread page shows of each comment (author link, date, kind, stance, text
    in paragraphs, nesting), from one query, with html.escape and string joins."""
    esc = html.escape
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.title, a.body, b.name FROM threads_article a "
            "JOIN threads_blog b ON b.id = a.blog_id WHERE a.id = %s",
            [article_id],
        )
        title, body, blog = cursor.fetchone()
        cursor.execute(THREAD_SQL, [article_id])
        rows = cursor.fetchall()
    out = [f"<!doctype html><title>{esc(title)}</title><h1>{esc(title)}</h1><p>{esc(blog)}</p>"]
    out += [f"<p>{esc(p)}</p>" for p in body.split("\n\n")]
    depth = -1
    for cid, level, kind, posted, text, stance, written, name, slug in rows:
        if level > depth:
            out.append("<ol>" * (level - depth))
        else:
            out.append("</li>" + "</ol></li>" * (depth - level))
        depth = level
        who = f'<a href="/people/{esc(slug)}/">{esc(name)}</a>' if slug else esc(written)
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in text.split("\n\n"))
        out.append(
            f'<li id="c{cid}"><article><header>{who} <time>{esc(str(posted))}</time> '
            f'<span class="{esc(kind)} {esc(stance)}">{esc(stance)}</span></header>'
            f"{paragraphs}</article>"
        )
    out.append("</li>" + "</ol></li>" * depth + "</ol>" if depth >= 0 else "")
    return "".join(out)


# --- modes ---------------------------------------------------------------------------------------


def busiest_participant() -> str | None:
    row = (
        Comment.objects.public()
        .filter(author__isnull=False)
        .values("author__slug")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return row["author__slug"] if row else None


def list_pages() -> list[tuple[str, str]]:
    """Every list, filter and participant page of issue 13's table, and a few more."""
    n = Comment.objects.public().count()
    deep = max(1, int(n / 50 * 0.78))  # the page 15,678 of ~20,000
    busiest = busiest_participant()
    article = Article.objects.public().order_by("-announced_comments").first()
    blog = article.blog_id if article else ""
    deep_comment = Comment.objects.public().order_by("-level", "pk").first()
    pages = [
        ("/", "/"),
        ("/?blog=…", f"/?blog={blog}"),
        ("/comments/", "/comments/"),
        ("/comments/?stance=disagree", "/comments/?stance=disagree"),
        ("/comments/?year=2012", "/comments/?year=2012"),
        ("/comments/?stance=disagree&year=2010", "/comments/?stance=disagree&year=2010"),
        ("/comments/?kind=pingback", "/comments/?kind=pingback"),
        ("/comments/?order=-date", "/comments/?order=-date"),
        (f"/comments/?page={deep} (deep)", f"/comments/?page={deep}"),
        ("/comments/?page=last", "/comments/?page=last"),
        ("/comments/?participant=busiest", f"/comments/?participant={busiest}"),
        ("/comments/?article=largest", f"/comments/?article={article.slug if article else ''}"),
        ("/comments/<id>/ (deepest)", f"/comments/{deep_comment.pk}/" if deep_comment else "/"),
        ("/people/", "/people/"),
        ("/people/?sort=comments", "/people/?sort=comments"),
        ("busiest participant's page", f"/people/{busiest}/"),
    ]
    searches = [
        ("/search/?q=communaute", "/search/?q=communaute"),
        ("/search/?q=réseaux sociaux", "/search/?q=r%C3%A9seaux+sociaux"),
    ]
    return [(label, url, "list") for label, url in pages] + [
        (label, url, "search") for label, url in searches
    ]


def pages(args: argparse.Namespace) -> dict:
    client = Client()
    result: dict = {"vendor": connection.vendor, "comments": Comment.objects.count(),
                    "threads": {}, "pages": []}  # fmt: skip
    only = re.compile(args.only) if args.only else None
    for size in THREAD_SIZES:
        if only and not only.search(f"thread {size}"):
            continue
        article = Article.objects.filter(slug=f"bench-thread-{size}").first()
        if article is None or (only and not only.search(f"thread {size}")):
            continue
        url = article.get_absolute_url()
        fetch = get(client, url)
        fetch()
        n_queries, content = count_queries(fetch)
        entry = {
            "page": repeat(fetch, args.requests, args.budget),
            "queries": n_queries,
            "html_bytes": len(content),
            "reference": repeat(lambda a=article: raw_thread_page(a.pk), args.requests, 30),
            "reference_bytes": len(raw_thread_page(article.pk)),
        }
        result["threads"][str(size)] = entry
        print(f"  thread {size}: {entry['page']['median'] * 1000:.1f} ms", file=sys.stderr)
        if size == 1_000 and args.isso_out:
            index: dict[int, int] = {}
            dump = []
            for c in Comment.objects.filter(article=article).tree_order().order_by("position"):
                index[c.pk] = len(dump)
                created = c.posted_at.timestamp() if c.posted_at else 0
                dump.append({"author": c.author_as_written, "text": c.body,
                             "parent": index.get(c.parent_id), "created": created})  # fmt: skip
            Path(args.isso_out).write_text(json.dumps(dump, ensure_ascii=False), "utf-8")
    queue = [p for p in list_pages() if not only or only.search(p[0])]
    while queue:
        label, url, kind = queue.pop(0)
        if only and not only.search(label):
            continue
        entry = {"label": label, "url": url, "kind": kind}
        status = client.get(url).status_code
        if status != 200:  # reported, not fatal: the site may have changed its URLs
            entry.update(status=status)
            result["pages"].append(entry)
            print(f"  {label}: HTTP {status}", file=sys.stderr)
            continue
        fetch = get(client, url)
        entry.update(repeat(fetch, args.requests, args.budget))
        entry["queries"], content = count_queries(fetch)
        entry["bytes"] = len(content)
        result["pages"].append(entry)
        print(f"  {label}: p95 {entry['p95'] * 1000:.1f} ms (n={entry['n']})", file=sys.stderr)
        cursor = re.search(rb'href="[^"]*[?&](cursor=[^"&]+)', content)
        # Past the numbered pages, "Suivante" carries a keyset cursor: time that page too.
        if label.startswith("/comments/?page=") and cursor:
            link = html.unescape(cursor.group(1).decode())
            queue.insert(0, ("the next page by its cursor link (deep)", f"/comments/?{link}",
                             "list"))  # fmt: skip
    return result


def info() -> dict:
    """For the load test: the five texts' 133-comment thread."""
    article = (
        Article.objects.annotate(n=Count("comments")).filter(n=133).first()
        or Article.objects.annotate(n=Count("comments")).order_by("-n").first()
    )
    return {"thread": article.get_absolute_url(), "thread_comments": article.n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("pages", "info"))
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per page at most")
    parser.add_argument("--isso-out", default="")
    parser.add_argument(
        "--only", default="", help="time only the pages whose label matches this regex"
    )
    args = parser.parse_args()
    out = pages(args) if args.mode == "pages" else info()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
