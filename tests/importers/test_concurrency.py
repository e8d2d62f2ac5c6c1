"""Imports and curators at the same time, over real connections (issue 8).

On PostgreSQL two threads, each with its own connection: a curation committed while an
import of the same thread is between reading and writing its rows survives, every time;
two imports at once give the archive two imports in a row give. On SQLite two processes
import into one database file at once, and both finish."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import importers.loader.comments as comments_module
from tests.conftest import ROOT, SEEDS, TESTDATA
from threads.archive import build_archive
from threads.models import Comment, StanceSource

REALWORLD = TESTDATA / "realworld"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two real connections: PostgreSQL"
)
TRIALS = 10


def import_path(path) -> str:
    out = io.StringIO()
    call_command("import_dump", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def edited_wxr(tmp_path, n: int):
    """The isso WXR with every comment's text edited: re-importing it rewrites the
    suggestions of every comment of its threads."""
    text = (REALWORLD / "wxr-isso-wordpress.xml").read_text(encoding="utf-8")
    text = re.sub(r"\]\]></wp:comment_content>", f" Édition {n}.]]></wp:comment_content>", text)
    path = tmp_path / f"wxr-isso-edited-{n}.xml"
    path.write_text(text, encoding="utf-8")
    return path


def in_thread(target, *args) -> threading.Thread:
    """Run target in a thread with its own database connection, closed at the end."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target(*args)
        except BaseException as error:  # reported by join_all
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.errors = errors  # type: ignore[attr-defined]
    thread.start()
    return thread


def join_all(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a thread did not finish"
        if thread.errors:  # type: ignore[attr-defined]
            raise thread.errors[0]  # type: ignore[attr-defined]


def curate_with_orm(pk: int, stance: str) -> None:
    """What the admin's save_model does: the curation fields only."""
    with transaction.atomic():
        comment = Comment.objects.get(pk=pk)
        comment.stance, comment.stance_cue = stance, "relu"
        comment.stance_source = StanceSource.CURATED
        comment.stance_curated_at, comment.stance_curated_via = timezone.now(), "admin"
        comment.save(
            update_fields=["stance", "stance_cue", "stance_source", "stance_curated_at",
                           "stance_curated_via"]
        )  # fmt: skip


def curate_with_admin_form(pk: int, stance: str, user) -> None:
    client = Client()
    client.force_login(user)
    url = reverse("admin:threads_comment_change", args=[pk])
    response = client.post(url, {"stance": stance, "stance_cue": "relu"})
    assert response.status_code == 302, response.content[:500]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_curation_committed_during_an_import_survives_every_time(
    tmp_path, monkeypatch, django_user_model
):
    curator = django_user_model.objects.create_superuser("curator", "c@example.org", "pw")
    import_path(REALWORLD / "wxr-isso-wordpress.xml")
    pks = list(Comment.objects.order_by("pk").values_list("pk", flat=True))
    real_suggest = comments_module.suggest
    survived = 0
    for trial in range(TRIALS):
        target = pks[trial % len(pks)]
        stance = ["agree", "disagree", "nuanced", "neutral"][trial % 4]
        rows_read = threading.Event()

        def suggest_then_pause(row, rows_read=rows_read):
            # The import has read (and, fixed, locked) its rows: let the curator in now.
            if not rows_read.is_set():
                rows_read.set()
                time.sleep(0.3)
            return real_suggest(row)

        monkeypatch.setattr(comments_module, "suggest", suggest_then_pause)
        importer = in_thread(import_path, edited_wxr(tmp_path, trial))
        while not rows_read.wait(timeout=0.1) and importer.is_alive():
            pass
        if not rows_read.is_set():
            join_all(importer)  # raises what stopped the import
            pytest.fail("the import never reached its rows")
        if trial % 2:
            curation = in_thread(curate_with_admin_form, target, stance, curator)
        else:
            curation = in_thread(curate_with_orm, target, stance)
        join_all(importer, curation)

        comment = Comment.objects.get(pk=target)
        assert "Édition" in comment.body  # the import did write this row
        survived += (comment.stance, comment.stance_source) == (stance, StanceSource.CURATED)
    assert survived == TRIALS


def canonical(archive: dict) -> list:
    """An archive without what differs between two runs: database ids (comments are
    referred to by their place in their article) and the times files were imported."""
    articles = []
    for article in archive["articles"]:
        place = {c["id"]: n for n, c in enumerate(article["comments"])}
        comments = [
            {
                **{k: v for k, v in c.items() if k not in {"id", "stance_curated_at"}},
                "parent": place.get(c["parent"]),
                "addresses": sorted(place[t] for t in c["addresses"]),
            }
            for c in article["comments"]
        ]
        source = dict(article["source"] or {})
        source.pop("imported_at", None)
        article = {**article, "comments": comments, "source": source}
        article.pop("position_curated_at", None)
        articles.append(article)
    return sorted(articles, key=lambda a: a["slug"]) + sorted(
        archive["participants"], key=lambda p: p["slug"]
    )


def flush() -> None:
    call_command("flush", interactive=False, verbosity=0)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_give_the_archive_of_two_in_a_row():
    # One file each: an import command serialises with others file by file.
    first, second = REALWORLD / "wxr-cc-labs-wordpress.xml", SEEDS["001"]
    import_path(first)
    import_path(second)
    one_then_two = canonical(build_archive())
    flush()
    import_path(second)
    import_path(first)
    two_then_one = canonical(build_archive())
    flush()

    join_all(in_thread(import_path, first), in_thread(import_path, second))

    at_once = canonical(build_archive())
    assert at_once in (one_then_two, two_then_one)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own locking")
def test_two_imports_at_once_on_sqlite_both_finish(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'archive.sqlite3'}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT, timeout=300)
    runs = [
        subprocess.Popen(
            [*manage, "import_dump", str(path)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for path in (REALWORLD / "wxr-cc-labs-wordpress.xml", SEEDS["001"].parent)
    ]
    results = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, results, strict=True):
        assert run.returncode == 0, err
        assert "Traceback" not in err and "locked" not in err
    count = subprocess.run(
        [*manage, "shell", "-c",
         "from threads.models import Comment; print(Comment.objects.count())"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert int(count.stdout.split()[-1]) == 181 + 258
