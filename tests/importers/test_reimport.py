"""Re-import, dry runs, changed files and bad input: the database changes only when it must."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from people.models import Participant, ParticipantAlias
from tests.conftest import FIXTURES, ROOT, SEEDS
from threads.models import AddresseeLink, Article, Comment, ImportSource

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Everything an import writes, ids included."""
    return {
        "articles": list(Article.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "participants": list(Participant.objects.order_by("pk").values()),
        "aliases": list(ParticipantAlias.objects.order_by("pk").values()),
        "links": list(AddresseeLink.objects.order_by("pk").values()),
        "sources": list(ImportSource.objects.order_by("pk").values()),
    }


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_dump", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_reimport_changes_nothing():
    run(str(FIXTURES))
    before = snapshot()
    out, _ = run(str(FIXTURES))
    assert snapshot() == before
    assert out.count("0 new / 0 updated / 1 unchanged articles") == 5


def test_dry_run_writes_nothing():
    out, _ = run("--dry-run", str(FIXTURES))
    assert "dry run" in out and "58 new" in out
    assert Article.objects.count() == Comment.objects.count() == Participant.objects.count() == 0
    assert ImportSource.objects.count() == 0


def test_changed_file_updates_in_place(tmp_path):
    """An edited dump keeps the ids of the comments it still has, adds the new one and
    removes the one it lost; a curated stance on a kept comment survives."""
    run(str(SEEDS["003"]))
    article = Article.objects.get()
    before = {c.position: c for c in article.comments.all()}
    kept = before[0]
    kept.stance, kept.stance_source = "agree", "curated"
    kept.save()

    text = SEEDS["003"].read_text(encoding="utf-8")
    # Edit the 2nd comment's body, drop jyv's comment, append a new one.
    assert "Excusez-moi, je viens troller un petit peu." in text
    start = text.index("  • jyv\n")
    end = text.index("  • Mito BANJAC")
    text = text[:start] + text[end:]
    text = text.replace("Commentaires (20)", "Commentaires (20)")
    edited = tmp_path / SEEDS["003"].name
    edited.write_text(text, encoding="utf-8")
    out, _ = run(str(edited))
    assert "1 updated" in out

    after = {c.position: c for c in Article.objects.get().comments.all()}
    assert Article.objects.get().pk == article.pk
    # The shipped annotations make every comment of 003 curated, so jyv's comment, gone
    # from the source, is kept (flagged) after the 19 the edited source holds.
    assert len(after) == 20
    assert after[19].author_as_written == "jyv" and "absent-from-source" in after[19].flags
    assert after[0].pk == kept.pk and after[0].stance == "agree"
    assert after[0].stance_source == "curated"
    # Comments after the removed one keep their rows, at their new positions.
    assert after[18].pk == before[19].pk and after[18].author_as_written == "Mito BANJAC"
    # Running the edited file again changes nothing.
    state = snapshot()
    run(str(edited))
    assert snapshot() == state


def test_curated_comment_removed_from_source_is_kept(tmp_path):
    run(str(SEEDS["003"]))
    jyv = Comment.objects.get(author_as_written="jyv")
    jyv.stance, jyv.stance_source = "neutral", "curated"
    jyv.save()
    text = SEEDS["003"].read_text(encoding="utf-8")
    text = text[: text.index("  • jyv\n")] + text[text.index("  • Mito BANJAC") :]
    edited = tmp_path / SEEDS["003"].name
    edited.write_text(text, encoding="utf-8")
    run(str(edited))
    jyv.refresh_from_db()
    assert "absent-from-source" in jyv.flags and jyv.stance_source == "curated"
    assert Comment.objects.count() == 20


BAD_INPUTS = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"  \n\n ", "empty"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "latin1.txt": ("Titre\n\nUn été à Paris\n".encode("latin-1"), "not UTF-8"),
    "unknown.txt": (b"Une liste de courses\n\ndu pain\ndu beurre\n", "no known format"),
    "export.xml": (SEEDS["000"].read_bytes(), "expected an XML export"),
    "archive.json": (b'{"format": "something-else"}', "cmforum-json"),
    "broken.json": (b'{"format": "cmforum-json", "version": 1, "articles": [', "line 1"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_clear_error_and_writes_nothing(tmp_path, name):
    data, expected = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(data)
    run(str(SEEDS["002"]))
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        # A good file beside the bad one is not written either.
        call_command("import_dump", str(SEEDS["004"]), str(path), stderr=err, stdout=io.StringIO())
    message = err.getvalue()
    assert str(path) in message and expected in message
    assert snapshot() == before


def test_bad_input_exit_code_and_no_traceback(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Titre\n\nUn été\n".encode("latin-1"))
    result = subprocess.run(
        [sys.executable, "manage.py", "import_dump", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "latin1.txt: line 3, column 4" in result.stderr


def test_forced_format_mismatch_is_an_error(tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "import_dump", "--format", "numbered-comments", str(SEEDS["000"]),
            stderr=io.StringIO(), stdout=io.StringIO(),
        )  # fmt: skip
    assert Article.objects.count() == 0


def test_export_import_round_trip(tmp_path):
    run(str(FIXTURES))
    first = tmp_path / "first.json"
    call_command("export_archive", "-o", str(first), verbosity=0)
    for model in (AddresseeLink, Comment, Article, ParticipantAlias, Participant, ImportSource):
        model.objects.all().delete()
    run(str(first))
    second = tmp_path / "second.json"
    call_command("export_archive", "-o", str(second), verbosity=0)
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (first, second))
    assert strip_ids(a) == strip_ids(b)
    assert sum(len(x["comments"]) for x in a["articles"]) == 258


def strip_ids(doc: dict) -> dict:
    """Replace database ids by positions: 'ids aside', the documents must be identical."""
    for article in doc["articles"]:
        position = {c["id"]: c["position"] for c in article["comments"]}
        for c in article["comments"]:
            c["id"] = position[c["id"]]
            c["parent"] = position.get(c["parent"])
            c["addresses"] = sorted(position[t] for t in c["addresses"])
    return doc


def test_uncurated_comment_removed_from_source_is_deleted(tmp_path):
    run(str(SEEDS["003"]))
    Comment.objects.filter(author_as_written="jyv").update(stance_source="", stance="unknown")
    text = SEEDS["003"].read_text(encoding="utf-8")
    text = text[: text.index("  • jyv\n")] + text[text.index("  • Mito BANJAC") :]
    edited = tmp_path / SEEDS["003"].name
    edited.write_text(text, encoding="utf-8")
    out, _ = run(str(edited))
    assert "1 comments no longer in the source removed" in out
    assert not Comment.objects.filter(author_as_written="jyv").exists()
    comments = list(Comment.objects.order_by("tree_id", "lft"))
    assert [c.position for c in comments] == list(range(19))


def test_round_trip_keeps_curators_and_old_archives_keep_merges(tmp_path, django_user_model):
    curator = django_user_model.objects.create_user("curatrice", is_staff=True)
    run(str(SEEDS["003"]))
    comment = Comment.objects.get(position=0)
    comment.stance, comment.stance_curated_by, comment.stance_curated_via = (
        "disagree",
        curator,
        "admin",
    )
    comment.save()
    archive = tmp_path / "before-merge.json"
    call_command("export_archive", "-o", str(archive), verbosity=0)

    # A curator merges "Flav" into "Flavien Chantrel" after the backup was made.
    from people.merge import merge_participants

    survivor = Participant.objects.get(key="flavien chantrel")
    flav = Participant.objects.get(key="flav")
    merge_participants(survivor, [flav], curator)
    run(str(archive))
    assert not Participant.objects.filter(key="flav").exists()
    flav_comments = Comment.objects.filter(author_as_written="Flav")
    assert flav_comments.exists() and {c.author_id for c in flav_comments} == {survivor.pk}

    for model in (AddresseeLink, Comment, Article, ParticipantAlias, Participant, ImportSource):
        model.objects.all().delete()
    run(str(archive))
    restored = Comment.objects.get(position=0)
    assert restored.stance == "disagree" and restored.stance_curated_by == curator
