"""A run of many large files holds one parsed file at a time (import_dump.HOLD_BYTES):
past the budget a file checked in the first pass is let go and parsed again when its turn
comes. What is written must not depend on it, and a file that changes on disk between
the check and the write is refused, not written unchecked."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from importers.management.commands import import_dump
from tests.conftest import FIXTURES, TESTDATA
from tests.importers.test_reimport import snapshot
from threads.models import Article

pytestmark = pytest.mark.django_db

SOURCES = [str(FIXTURES), str(TESTDATA / "realworld")]


def imported(monkeypatch, hold_bytes: int) -> dict:
    monkeypatch.setattr(import_dump, "HOLD_BYTES", hold_bytes)
    call_command("import_dump", *SOURCES, stdout=io.StringIO())
    return snapshot()


def comparable(state: dict) -> dict:
    """Without what differs between two runs by design: the moment of the run (import
    time, curation applied from the metadata now) and the digests that include it."""
    for rows in state.values():
        for row in rows:
            for name in ("imported_at", "position_curated_at", "stance_curated_at"):
                row.pop(name, None)
            if isinstance(row.get("counts"), dict):
                row["counts"].get("unchanged_check", {}).pop("digest", None)
    return state


def test_parsing_again_writes_what_holding_writes(monkeypatch, django_db_reset_sequences):
    held = imported(monkeypatch, 10**9)
    call_command("flush", "--noinput", verbosity=0)
    parsed_again = imported(monkeypatch, 0)
    assert Article.objects.count() > 10
    assert comparable(parsed_again) == comparable(held)


def test_a_file_changed_between_check_and_write_is_refused(monkeypatch, tmp_path):
    first, second = tmp_path / "000.txt", tmp_path / "001.txt"
    texts = sorted(FIXTURES.glob("*.txt"))
    shutil.copy(texts[0], first)
    shutil.copy(texts[1], second)
    monkeypatch.setattr(import_dump, "HOLD_BYTES", 0)
    real_load = import_dump.Command.load

    def load_then_edit(self, source, dump, dry_run):
        report = real_load(self, source, dump, dry_run)
        if source.path == first:  # the second file, already checked, is edited now
            second.write_text(second.read_text(encoding="utf-8") + "\nedited\n", "utf-8")
        return report

    monkeypatch.setattr(import_dump.Command, "load", load_then_edit)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command("import_dump", str(tmp_path), stdout=io.StringIO(), stderr=err)
    assert "001.txt: could not be written" in err.getvalue()
    assert "changed on disk since it was checked" in err.getvalue()
    assert Article.objects.count() == 1
