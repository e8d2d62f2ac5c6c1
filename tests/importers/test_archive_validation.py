"""cmforum-json is checked against docs/archive.schema.json before anything is written (one
line per problem: file, JSON path, what was expected), and a run of several files reports
a file that fails while it is written, rolls it back and exits non-zero, never with a
traceback."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import DataError, IntegrityError

from importers import archive_json
from importers.loader.comments import ThreadWriter
from importers.parsed import MAX_ANNOUNCED_COMMENTS
from people.models import Participant, ParticipantAlias
from tests.conftest import FIXTURES, ROOT, SEEDS, TESTDATA
from tests.importers.test_reimport import snapshot
from threads.archive import build_archive
from threads.models import Article, Comment, CurationEvent, ImportSource
from threads.tree import TreeError

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(tmp_path) -> dict:
    """The five texts, exported; the database then holds them."""
    call_command("import_dump", str(FIXTURES), verbosity=0)
    path = tmp_path / "archive.json"
    call_command("export_archive", "-o", str(path), verbosity=0)
    return json.loads(path.read_text(encoding="utf-8"))


def thread(doc: dict) -> int:
    """The index of an article with comments."""
    return next(i for i, a in enumerate(doc["articles"]) if len(a["comments"]) > 3)


def two_word_participant(doc: dict) -> int:
    return next(i for i, p in enumerate(doc["participants"]) if len(p["name"].split()) > 1)


def set_at(path: str, value):
    """A mutation: the value at a dotted path ('articles.{a}.announced_comments')."""

    def mutate(doc):
        parts = path.format(a=thread(doc), p=two_word_participant(doc)).split(".")
        target = doc
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is KeyError:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return mutate


def duplicate_participant(doc):
    doc["participants"].append(
        dict(doc["participants"][two_word_participant(doc)], slug="someone-else")
    )


def duplicate_comment(doc):
    comments = doc["articles"][thread(doc)]["comments"]
    comments.append(copy.deepcopy(comments[0]))


# (mutation, the JSON path named, what the line says was expected) — issue 8's examples.
CASES = {
    "participant without slug": (
        set_at("participants.0.slug", KeyError), "participants[0]", 'missing key "slug"'),
    "count as text": (
        set_at("articles.{a}.announced_comments", "12"),
        "articles[{a}].announced_comments", "expected an integer or null"),
    "negative count": (
        set_at("articles.{a}.announced_comments", -3),
        "articles[{a}].announced_comments", "at least 0"),
    "huge count": (
        set_at("articles.{a}.announced_comments", 10**20),
        "articles[{a}].announced_comments", "at most 1 000 000"),
    "author a number": (
        set_at("articles.{a}.comments.2.author", 12),
        "articles[{a}].comments[2].author", "expected a string or null"),
    "author true": (
        set_at("articles.{a}.author", True), "articles[{a}].author", "expected a string or null"),
    "date_raw an object": (
        set_at("articles.{a}.comments.1.date_raw", {}),
        "articles[{a}].comments[1].date_raw", "expected a string"),
    "curated at soon": (
        set_at("articles.{a}.position_curated_at", "soon"),
        "articles[{a}].position_curated_at", "ISO 8601 date and time"),
    "impossible date": (
        set_at("articles.{a}.comments.0.posted_at", "2010-02-30T10:00:00+01:00"),
        "articles[{a}].comments[0].posted_at", "ISO 8601 date and time"),
    "unknown stance": (
        set_at("articles.{a}.comments.0.stance", "maybe"),
        "articles[{a}].comments[0].stance", 'expected one of "agree"'),
    "over-long curator": (
        set_at("articles.{a}.comments.0.stance_curated_by", "x" * 151),
        "articles[{a}].comments[0].stance_curated_by", "at most 150 characters"),
    "same name twice": (
        duplicate_participant, "participants[{n}].name", "a name no other participant has"),
    "same comment id twice": (
        duplicate_comment, "articles[{a}].comments[{c}].id", "an id unique within the article"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_wrong_value_is_one_line_and_nothing_is_written(tmp_path, archive, case):
    mutate, where, expected = CASES[case]
    doc = copy.deepcopy(archive)
    mutate(doc)
    where = where.format(
        a=thread(archive),
        n=len(doc["participants"]) - 1,
        c=len(doc["articles"][thread(archive)]["comments"]) - 1,
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        # A good file beside it is not written either.
        call_command(
            "import_dump", str(TESTDATA / "realworld" / "wxr-isso-wordpress.xml"), str(bad),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    lines = err.getvalue().splitlines()
    assert lines == [line for line in lines if line.startswith(f"error: {bad}: ")]
    assert any(line.startswith(f"error: {bad}: {where}: ") and expected in line for line in lines)
    assert snapshot() == before


def test_every_problem_is_reported(tmp_path, archive):
    doc = copy.deepcopy(archive)
    a = thread(doc)
    doc["articles"][a]["announced_comments"] = "12"
    doc["articles"][a]["comments"][0]["kind"] = "email"
    del doc["participants"][1]["name"]
    problems = archive_json.problems(doc)
    assert problems == [
        f'articles[{a}].announced_comments: expected an integer or null, got a string "12"',
        f'articles[{a}].comments[0].kind: expected one of "comment", "pingback", "trackback", '
        f'"tweet", got a string "email"',
        'participants[1]: missing key "name"',
    ]


def test_a_bare_name_may_be_two_participants(archive):
    """One word is one person per blog (docs/identity.md): two participants may share it."""
    doc = copy.deepcopy(archive)
    bare = next(p for p in doc["participants"] if len(p["name"].split()) == 1)
    doc["participants"].append(dict(bare, slug=bare["slug"] + "-2", aliases=[]))
    assert archive_json.problems(doc) == []


def test_exports_are_valid(archive):
    assert archive_json.problems(archive) == []
    call_command("import_dump", str(TESTDATA / "realworld"), verbosity=0)
    assert archive_json.problems(json.loads(json.dumps(build_archive()))) == []


def test_schema_bounds_match_the_columns():
    """The schema's length limits are the columns' own: an archive that passes the schema
    fits the database."""
    from threads.models import CurationEvent as Event

    defs = archive_json.validator().schema["$defs"]
    article, comment = defs["article"]["properties"], defs["comment"]["properties"]
    assert article["announced_comments"]["maximum"] == MAX_ANNOUNCED_COMMENTS
    pairs = [
        (defs["username"], Comment._meta.get_field("stance_curated_by_name")),
        (defs["username"], Article._meta.get_field("position_curated_by_name")),
        (defs["via"], Comment._meta.get_field("stance_curated_via")),
        (defs["via"], Article._meta.get_field("position_curated_via")),
        (defs["origin"], Comment._meta.get_field("origin")),
        (defs["origin"], Article._meta.get_field("origin")),
        (defs["participant"]["properties"]["name"], Participant._meta.get_field("name")),
        (defs["participant"]["properties"]["slug"], Participant._meta.get_field("slug")),
        (defs["participant"]["properties"]["handle"], Participant._meta.get_field("handle")),
        (defs["participant"]["properties"]["website"], Participant._meta.get_field("website")),
        (
            defs["participant"]["properties"]["aliases"]["items"],
            ParticipantAlias._meta.get_field("name"),
        ),
        (defs["source"]["properties"]["format"], ImportSource._meta.get_field("format")),
        (defs["event"]["properties"]["field"], Event._meta.get_field("field")),
        (defs["event"]["properties"]["by"], Event._meta.get_field("by_name")),
        (defs["event"]["properties"]["via"], Event._meta.get_field("via")),
    ]
    for rule, field in pairs:
        rule = defs["username"] if rule.get("$ref") == "#/$defs/username" else rule
        rule = defs["via"] if rule.get("$ref") == "#/$defs/via" else rule
        assert rule["maxLength"] == field.max_length, field
    assert set(defs["comment"]["properties"]["kind"]["enum"]) == {
        value for value, _ in Comment._meta.get_field("kind").choices
    }
    assert comment["stance"] == {"$ref": "#/$defs/stance"}
    assert set(defs["stance"]["enum"]) == {v for v, _ in Comment._meta.get_field("stance").choices}
    assert set(article["position"]["enum"]) == {
        v for v, _ in Article._meta.get_field("position").choices
    }


def test_invalid_archive_exit_status_and_no_traceback(tmp_path, archive):
    doc = copy.deepcopy(archive)
    doc["participants"][0]["slug"] = 12
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_dump", str(bad)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"error: {bad}: participants[0].slug: expected a string, got an integer 12" in (
        result.stderr
    )


# --- a run of several files -------------------------------------------------------------


def fail_writing(monkeypatch, title_start: str, error: Exception) -> None:
    """Writing the thread of the article whose title starts so fails, after its rows were
    written: what a constraint or a length error does halfway through a file."""
    original = ThreadWriter._write_links

    def write_links(self, nodes, **flags):
        original(self, nodes, **flags)
        if self.article.title.startswith(title_start):
            raise error

    monkeypatch.setattr(ThreadWriter, "_write_links", write_links)


FAILURES = {
    "integrity": IntegrityError("UNIQUE constraint failed: threads_comment.x\nDETAIL: more"),
    "data": DataError("value too long for type character varying(40)"),
    "tree": TreeError("comments [3] are in a reply cycle"),
    "bug": KeyError("oops"),
}


@pytest.mark.parametrize("kind", sorted(FAILURES))
def test_a_file_that_fails_while_written_is_rolled_back_and_the_run_stops(monkeypatch, kind):
    fail_writing(monkeypatch, "La quête", FAILURES[kind])
    good, bad, after = SEEDS["000"], SEEDS["003"], SEEDS["004"]
    out, err = io.StringIO(), io.StringIO()
    expected = rf"1 of 3 file\(s\) could not be written; written: {good.name}"
    with pytest.raises(CommandError, match=expected):
        call_command("import_dump", str(good), str(bad), str(after), stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith(f"error: {bad}: could not be written, rolled back: ")
    assert lines[1] == f"not attempted after the failure: {after}"
    assert len(lines) == 2 and "Traceback" not in err.getvalue()
    assert f"{good.name} [indented-threads]: 1 new" in out.getvalue()
    # The first file is written; the failing one left nothing; the third was not tried.
    assert list(ImportSource.objects.values_list("sha256", flat=True)) == [
        hashlib.sha256(good.read_bytes()).hexdigest()
    ]
    assert Article.objects.count() == 1
    assert not Comment.objects.filter(article__title__startswith="La quête").exists()


def test_keep_going_writes_the_files_after_a_failure(monkeypatch):
    fail_writing(monkeypatch, "La quête", DataError("value too long"))
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 of 3 file\(s\) could not be written"):
        call_command(
            "import_dump", "--keep-going", str(SEEDS["000"]), str(SEEDS["003"]),
            str(SEEDS["004"]), stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert err.getvalue().splitlines() == [
        f"error: {SEEDS['003']}: could not be written, rolled back: value too long"
    ]
    assert Article.objects.count() == 2
    assert CurationEvent.objects.count() == 0


def _leaf_paths(value, path=()):
    """Every place in a document a value sits at, objects and lists included."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaf_paths(item, (*path, i))


WRONG_VALUES = [None, True, -1, 0, 1.5, 10**20, "", "x", "x" * 301, "soon", "maybe",
                "2010-02-30T10:00:00+01:00", "2010-02-03T10:00:00", "2010-02-03T10:00:00+01:00",
                "0001-01-01T00:30:00+01:00", [], [1], {}, {"x": 1}]  # fmt: skip


def test_the_fast_check_decides_as_jsonschema_does(archive):
    """archive_json decides with fastjsonschema and explains with jsonschema: a document
    the fast check accepted but the schema refuses would be imported unchecked. Both must
    decide alike on every kind of wrong value, anywhere in a real archive."""
    import random

    call_command("import_dump", str(TESTDATA / "realworld"), verbosity=0)
    doc = json.loads(json.dumps(build_archive()))
    paths = [p for p in _leaf_paths(doc) if p]
    full = archive_json.validator()
    rng = random.Random(13)
    refused = 0
    for _ in range(150):  # each is a full jsonschema pass over the archive: bounded
        mutated = copy.deepcopy(doc)
        for _ in range(rng.choice((1, 1, 2))):
            *parents, last = rng.choice(paths)
            target = mutated
            try:
                for part in parents:
                    target = target[part]
                target[last] = rng.choice(WRONG_VALUES)
            except (KeyError, IndexError, TypeError):
                continue
        slow = not any(True for _ in full.iter_errors(mutated))
        assert archive_json.is_schema_valid(mutated) == slow, (parents, last)
        refused += not slow
    assert refused > 75, refused  # the mutations do test refusals
