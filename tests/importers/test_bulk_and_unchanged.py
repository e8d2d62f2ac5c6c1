"""Bulk writes and unchanged files recognised by their sha256 (issue 13, part 2).

An unchanged file is skipped only while the database still holds exactly what its import
produced; anything that touched those rows since makes the import run in full again."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tests.conftest import FIXTURES, SEEDS
from tests.importers.test_reimport import snapshot
from threads.models import Article, Comment, ImportSource

pytestmark = pytest.mark.django_db

RECOGNISED = "recognised by its sha256, not parsed"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_dump", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_new_comments_get_consistent_tree_fields():
    run(str(FIXTURES))
    for article in Article.objects.all():
        rows = {c.pk: c for c in article.comments.all()}
        for c in rows.values():
            assert c.lft < c.rght
            if c.parent_id is not None:
                parent = rows[c.parent_id]
                assert parent.tree_id == c.tree_id and parent.level == c.level - 1
                assert parent.lft < c.lft and c.rght < parent.rght
        # Django-mptt agrees: its own traversal finds every comment once.
        roots = [c for c in rows.values() if c.parent_id is None]
        found = sum(len(root.get_descendants(include_self=True)) for root in roots)
        assert found == len(rows)


def test_unchanged_file_is_recognised_and_changes_nothing():
    first = run(str(FIXTURES))
    assert RECOGNISED not in first
    before = snapshot()
    again = run(str(FIXTURES))
    assert again.count(RECOGNISED) == 5
    assert again.count("0 new / 0 updated / 1 unchanged articles") == 5
    assert snapshot() == before


def test_a_file_touched_since_is_loaded_again(tmp_path):
    """Another import of the same identities changed the thread: the original file is
    parsed and reconciled again, and brings its own text back."""
    seed = SEEDS["003"]
    run(str(seed))
    original = {c.pk: c.body for c in Comment.objects.all()}
    text = seed.read_text(encoding="utf-8")
    edited = tmp_path / seed.name
    edited.write_text(
        text.replace("Excusez-moi, je viens troller", "Pardon, je viens troller"),
        encoding="utf-8",
    )
    assert "1 updated" in run(str(edited))
    out = run(str(seed))
    assert RECOGNISED not in out and "1 updated" in out
    assert {c.pk: c.body for c in Comment.objects.all()} == original
    assert RECOGNISED in run(str(seed))


def test_a_deleted_comment_is_not_taken_for_unchanged():
    run(str(SEEDS["000"]))
    count = Comment.objects.count()
    Comment.objects.filter(pk=Comment.objects.filter(parent=None).order_by("-pk")[0].pk).delete()
    out = run(str(SEEDS["000"]))
    assert RECOGNISED not in out
    assert Comment.objects.count() == count


def test_a_relabelled_stance_is_not_taken_for_unchanged(tmp_path):
    """An archive restores the stances it holds: after anything rewrote them, loading
    the archive again must run."""
    run(str(SEEDS["001"]))
    archive = tmp_path / "archive.json"
    call_command("export_archive", "-o", str(archive))
    run(str(archive))
    assert RECOGNISED in run(str(archive))
    comment = Comment.objects.order_by("pk").first()
    Comment.objects.filter(pk=comment.pk).update(auto_stance="disagree", auto_confidence=0.1)
    assert RECOGNISED not in run(str(archive))


def test_the_record_stays_out_of_archives(tmp_path):
    run(str(SEEDS["002"]))
    assert any("unchanged_check" in s.counts for s in ImportSource.objects.all())
    archive = tmp_path / "archive.json"
    call_command("export_archive", "-o", str(archive))
    assert "unchanged_check" not in archive.read_text(encoding="utf-8")
    doc = json.loads(archive.read_text(encoding="utf-8"))
    assert doc["articles"][0]["source"]["counts"]["comments"] == 0


def test_dry_run_of_an_unchanged_file_writes_nothing():
    run(str(SEEDS["004"]))
    before = snapshot()
    out = run("--dry-run", str(SEEDS["004"]))
    assert "dry run" in out and RECOGNISED in out
    assert snapshot() == before
