"""A large cmforum-json archive is read as a stream (importers.streamed): checked
article by article, its articles read again from the file on each pass. It must import
exactly what the whole-document reader imports, refuse what it refuses with the same
lines, and never write a file that changed on disk after it was checked."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from importers import archive_json, streamed, wxr
from importers.archive_json import ArchiveInvalid
from importers.management.commands import import_dump
from importers.parsed import ParseError
from tests.conftest import FIXTURES, TESTDATA
from tests.importers.test_archive_validation import CASES, thread
from tests.importers.test_many_files import comparable
from tests.importers.test_reimport import snapshot
from threads.archive import build_archive

pytestmark = pytest.mark.django_db


_ARCHIVE: dict = {}


@pytest.fixture
def archive() -> dict:
    """The five texts and every real export, as one archive: built once (an import and an
    export), then a copy for each test. The tests need the document, not the rows."""
    if not _ARCHIVE:
        call_command("import_dump", str(FIXTURES), str(TESTDATA / "realworld"), verbosity=0)
        _ARCHIVE.update(json.loads(json.dumps(build_archive())))
    return copy.deepcopy(_ARCHIVE)


def write(tmp_path, doc: dict, name: str = "archive.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_streamed_import_writes_what_the_whole_reader_writes(
    tmp_path, monkeypatch, archive, django_db_reset_sequences
):
    path = write(tmp_path, archive)
    call_command("flush", "--noinput", verbosity=0)  # a transactional test: flush may run
    call_command("import_dump", str(path), stdout=io.StringIO())
    whole = snapshot()
    assert len(whole["comments"]) > 500
    call_command("flush", "--noinput", verbosity=0)
    monkeypatch.setattr(streamed, "STREAM_BYTES", 0)
    assert streamed.wanted(path, None)
    out = io.StringIO()
    call_command("import_dump", str(path), stdout=out)
    assert comparable(snapshot()) == comparable(whole)
    # and again, unchanged: recognised without being read
    call_command("import_dump", str(path), stdout=(again := io.StringIO()))
    assert "recognised by its sha256" in again.getvalue()
    assert comparable(snapshot()) == comparable(whole)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_streamed_archive_is_refused_with_the_same_lines(tmp_path, archive, case):
    mutate, *_ = CASES[case]
    doc = copy.deepcopy(archive)
    mutate(doc)
    path = write(tmp_path, doc)
    whole = archive_json.problems(doc)
    assert whole
    with pytest.raises(ArchiveInvalid) as refused:
        streamed.check(path, streamed.file_sha256(path))
    assert sorted(refused.value.problems) == sorted(whole[: archive_json.MAX_PROBLEMS])


def test_several_problems_at_once(tmp_path, archive):
    doc = copy.deepcopy(archive)
    a = thread(doc)
    doc["articles"][a]["announced_comments"] = "12"
    doc["articles"][a]["comments"][0]["kind"] = "email"
    del doc["participants"][1]["name"]
    path = write(tmp_path, doc)
    with pytest.raises(ArchiveInvalid) as refused:
        streamed.check(path, streamed.file_sha256(path))
    assert refused.value.problems == archive_json.problems(doc)


def test_broken_json_says_where(tmp_path, archive):
    path = write(tmp_path, archive)
    text = path.read_text(encoding="utf-8")
    cut = text.index('"comments"', len(text) // 2)
    path.write_text(text[:cut] + "," + text[cut:], encoding="utf-8")
    with pytest.raises(ParseError) as refused:
        streamed.check(path, streamed.file_sha256(path))
    line = text[:cut].count("\n") + 1
    assert refused.value.line == line and "not valid JSON" in str(refused.value)


def test_a_file_changed_after_the_check_is_not_written(tmp_path, monkeypatch, archive):
    path = write(tmp_path, archive)
    monkeypatch.setattr(streamed, "STREAM_BYTES", 0)
    real_load = import_dump.Command.load

    def edit_then_load(self, source, dump, dry_run):
        doc = copy.deepcopy(archive)
        doc["articles"][-1]["title"] = "Changé entre-temps"
        write(tmp_path, doc)
        return real_load(self, source, dump, dry_run)

    monkeypatch.setattr(import_dump.Command, "load", edit_then_load)
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="could not be written"):
        call_command("import_dump", str(path), stdout=io.StringIO(), stderr=err)
    assert "changed on disk while it was imported" in err.getvalue()
    assert snapshot() == before


# --- WordPress exports, item by item ------------------------------------------------------

WXR_FILES = sorted((TESTDATA / "realworld").glob("wxr-*.xml")) + sorted(
    (TESTDATA / "xml").glob("wxr-*.xml")
)


def _whole_or_error(data: bytes):
    try:
        return wxr.parse_bytes(data)
    except ParseError as error:
        return str(error)


def _streamed_or_error(path):
    try:
        dump = streamed.check(path, streamed.file_sha256(path), "wxr")
        return dump, list(dump.articles)
    except ParseError as error:
        return str(error), None


@pytest.mark.parametrize("path", WXR_FILES, ids=lambda p: p.name)
def test_a_streamed_wxr_reads_what_the_whole_reader_reads(path):
    """Every real export and every awkward sample (repairs, entities, a truncated file):
    the same articles, comments, lines, skipped items and warnings, or the same error."""
    whole = _whole_or_error(path.read_bytes())
    dump, articles = _streamed_or_error(path)
    if isinstance(whole, str):
        assert dump == whole
        return
    if "realworld" in str(path):
        assert isinstance(dump.articles, streamed.StreamedArticles)  # not read whole
    assert articles == whole.articles
    assert (dump.skipped, dump.warnings) == (whole.skipped, whole.warnings)
    assert list(dump.articles) == articles  # a second pass reads the same


def test_streamed_wxr_is_what_detection_picks(tmp_path, monkeypatch):
    monkeypatch.setattr(streamed, "STREAM_BYTES", 0)
    real = TESTDATA / "realworld" / "wxr-isso-wordpress.xml"
    assert streamed.wanted(real, None) == "wxr"
    assert streamed.wanted(TESTDATA / "xml" / "wxr-iso-8859-1.xml", None) is None  # read whole
    assert streamed.wanted(TESTDATA / "realworld" / "disqus-isso-disqus.xml", None) is None


def test_streamed_wxr_import_writes_what_the_whole_reader_writes(
    monkeypatch, django_db_reset_sequences
):
    files = [str(p) for p in sorted((TESTDATA / "realworld").glob("wxr-*.xml"))]
    call_command("import_dump", *files, stdout=io.StringIO())
    whole = snapshot()
    call_command("flush", "--noinput", verbosity=0)
    monkeypatch.setattr(streamed, "STREAM_BYTES", 0)
    call_command("import_dump", *files, stdout=io.StringIO())
    assert comparable(snapshot()) == comparable(whole)
