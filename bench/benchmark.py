"""Speed and memory figures for cmforum: import and thread rendering at size.

    .venv/bin/python bench/benchmark.py [--comments 10000] [--database-url URL]

Builds a synthetic WordPress export of one post with N nested comments, imports it into a
fresh database (a temporary SQLite file unless --database-url is given), imports it again,
then renders the thread page. Prints the figures; asserts nothing (targets are read by
people, not by CI)."""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def synthetic_wxr(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    comments = []
    for i in range(1, n + 1):
        # A third top-level, the rest replies to a recent comment: deep and wide threads.
        parent = 0 if i == 1 or rng.random() < 0.33 else rng.randint(max(1, i - 50), i - 1)
        comments.append(
            f"<wp:comment><wp:comment_id>{i}</wp:comment_id>"
            f"<wp:comment_author><![CDATA[Participant {rng.randint(1, n // 10 + 1)}]]>"
            f"</wp:comment_author>"
            f"<wp:comment_date>2011-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 12:00:00"
            f"</wp:comment_date><wp:comment_content><![CDATA[<p>Commentaire {i} : "
            f"le community management, c'est un métier.</p>]]></wp:comment_content>"
            f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type>"
            f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench</title>'
        "<link>http://bench.example</link><item><title>Fil de test</title>"
        "<link>http://bench.example/fil/</link><dc:creator>auteur</dc:creator>"
        "<content:encoded><![CDATA[<p>Article.</p>]]></content:encoded>"
        "<wp:post_id>1</wp:post_id><wp:post_date>2011-01-01 10:00:00</wp:post_date>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        + "".join(comments)
        + "</item></channel></rss>\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cmforum-bench-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmforum.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from threads.models import Article

    call_command("migrate", verbosity=0)
    # DEBUG is off, as in production: pages need the collected, hashed static files.
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.database_url:  # start from an empty archive on a shared server too
        call_command("flush", interactive=False, verbosity=0)
    dump = workdir / "bench.xml"
    dump.write_text(synthetic_wxr(args.comments), encoding="utf-8")
    print(f"database: {connection.vendor}; synthetic thread: {args.comments} comments")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    call_command("import_dump", str(dump), verbosity=0)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"import:    {seconds:7.2f} s  ({args.comments / seconds:,.0f} comments/s), "
        f"peak RSS {rss_after:.0f} MiB (was {rss_before:.0f} MiB before the import)"
    )

    started = time.perf_counter()
    call_command("import_dump", str(dump), verbosity=0)
    print(f"re-import: {time.perf_counter() - started:7.2f} s  (unchanged file)")

    article = Article.objects.get()
    client = Client()
    client.get(article.get_absolute_url())  # warm caches (templates, connection)
    timings = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(article.get_absolute_url())
            timings.append(time.perf_counter() - started)
    assert response.status_code == 200, response.status_code
    print(
        f"thread page: best {min(timings):.2f} s of 3, {len(queries)} SQL queries, "
        f"{len(response.content) / 2**20:.1f} MiB of HTML"
    )


if __name__ == "__main__":
    main()
