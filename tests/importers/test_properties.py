"""Property-based tests (hypothesis) on real inputs: the five texts, real WordPress exports
and an archive exported from them, each mutated at random (a value of another type, a key
or element removed, an entry duplicated, numbers out of range, over-long strings).

Whatever the mutation, `import_dump` either imports the file, and the archive it then
exports is still valid, or it refuses it with `error:` lines naming the file and a
one-line summary; it never raises anything else (a traceback), and after a refusal the
database is exactly as before. Every example runs in a savepoint rolled back afterwards,
so each starts from the same database.

The number of examples per test is PROPERTY_EXAMPLES (default below, kept small enough
for `make test` on two cores); the count that ran is printed at the end of the run."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.archive_json import problems
from tests.conftest import FIXTURES, SEEDS, TESTDATA
from threads.archive import build_archive
from threads.curation import record_merge, record_position, record_stance
from threads.models import Article, Comment

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "100"))
RUN: dict[str, int] = {}  # examples run, by test; tests/importers/conftest.py prints them

PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    derandomize=bool(os.environ.get("CI")),  # CI: the same cases every run
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

# Values a mutation puts in place of another: other types, out-of-range numbers, long text.
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([-1, -3, 2**31, 2**63, 10**20, 0.5, float("1e308")]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=20),
    st.sampled_from(["", "12", "soon", "x" * 250, "y" * 1000, "z" * 5000]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def state() -> str:
    """Every table's row count and a digest of the whole archive."""
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    archive = json.dumps(build_archive(), sort_keys=True, default=str)
    return json.dumps(counts, sort_keys=True) + hashlib.sha256(archive.encode()).hexdigest()


def check_import(path: Path, before: str) -> bool:
    """Import `path` in a savepoint that is then rolled back; True when it imported."""
    out, err = io.StringIO(), io.StringIO()
    with transaction.atomic():
        try:
            call_command("import_dump", str(path), stdout=out, stderr=err)
        except CommandError as error:
            # Refused: one line each on stderr, naming the file; one summary line.
            lines = err.getvalue().splitlines()
            assert lines, "a refusal says why"
            assert all(line.startswith(f"error: {path}: ") for line in lines), lines
            assert "\n" not in str(error)
            assert state() == before, "a refused file changed the database"
            imported = False
        else:
            assert err.getvalue() == ""
            assert problems(json.loads(json.dumps(build_archive()))) == [], "export invalid"
            imported = True
        transaction.set_rollback(True)
    return imported


def count(name: str, imported: bool, outcomes: dict[bool, int]) -> None:
    RUN[name] = RUN.get(name, 0) + 1
    outcomes[imported] = outcomes.get(imported, 0) + 1


# --- cmforum-json --------------------------------------------------------------------------


def _paths(node, prefix=()) -> list[tuple]:
    """Every place in a JSON document: (container, key) pairs, depth first."""
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        found.append((node, key))
        if isinstance(value, dict | list):
            found += _paths(value, (*prefix, key))
    return found


def _sub_archive(doc: dict, chosen: list[int]) -> dict:
    """The chosen articles, the participants they name and the history about them."""
    articles = [doc["articles"][i] for i in chosen]
    slugs = {a.get("author_slug") for a in articles} | {
        c.get("author_slug") for a in articles for c in a["comments"]
    }
    return {
        "format": doc["format"],
        "version": doc["version"],
        "articles": articles,
        "participants": [p for p in doc["participants"] if p["slug"] in slugs],
        "history": doc["history"],
    }


def _mutate_json(data, doc: dict) -> None:
    places = _paths(doc)
    container, key = places[data.draw(st.integers(0, len(places) - 1), label="place")]
    operation = data.draw(st.sampled_from(["value", "remove", "duplicate", "long"]), label="op")
    if operation == "value":
        container[key] = data.draw(ODD_VALUES, label="value")
    elif operation == "remove":
        del container[key]
    elif operation == "duplicate" and isinstance(container, list):
        container.append(copy.deepcopy(container[key]))
    elif operation == "duplicate" and isinstance(container[key], dict | list):
        value = container[key]
        if isinstance(value, list) and value:
            value.insert(0, copy.deepcopy(value[0]))
    else:
        value = container[key]
        text = value if isinstance(value, str) and value else "x"
        container[key] = (text * (1000 // len(text) + 1))[: data.draw(st.sampled_from([250, 1001]))]


@pytest.fixture
def real_archive(tmp_path) -> dict:
    """The five texts and the real exports, with some curation history, exported; the
    database then holds the five texts only (a restore meets what it already has)."""
    call_command("import_dump", str(FIXTURES), str(TESTDATA / "realworld"), verbosity=0)
    comments = list(Comment.objects.order_by("article_id", "position")[::40])
    record_stance([(c, [("stance", c.stance, "agree")]) for c in comments], None, "admin")
    record_position(Article.objects.first(), [("position", "unknown", "defends")], None, "admin")
    author = Comment.objects.filter(author__isnull=False).first().author
    record_merge(author, type(author)(name="Ancien nom", slug="ancien-nom"), None)
    doc = build_archive()
    from tests.importers.test_backup import wipe

    wipe()
    call_command("import_dump", str(FIXTURES), verbosity=0)
    return json.loads(json.dumps(doc))


def test_mutated_archives(tmp_path, real_archive):
    before = state()
    path = tmp_path / "archive.json"
    outcomes: dict[bool, int] = {}
    with_comments = [i for i, a in enumerate(real_archive["articles"]) if a["comments"]]

    @PROPERTY
    @given(data=st.data())
    def check(data):
        chosen = data.draw(
            st.lists(st.sampled_from(with_comments), min_size=1, max_size=3, unique=True),
            label="articles",
        )
        doc = copy.deepcopy(_sub_archive(real_archive, chosen))
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            _mutate_json(data, doc)
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        count("cmforum-json", check_import(path, before), outcomes)

    check()
    assert outcomes.get(False), "some mutations must be refused"


# --- WXR -----------------------------------------------------------------------------------

ELEMENT = re.compile(
    r"<((?:wp|dc|content|excerpt):[a-z_]+|link|title|pubDate)>(.*?)</\1>", re.DOTALL
)
BLOCK = re.compile(r"<(wp:comment|item)>.*?</\1>", re.DOTALL)
ODD_TEXT = st.one_of(
    st.sampled_from(
        ["", "x" * 250, "http://example.org/" + "a" * 1000, "publish" * 50, "-1", "0",
         "99999999999999999999", "2010-13-45 25:61:00", "0000-00-00 00:00:00", "pingback",
         "trackback", "spam", "1", "not a number"]
    ),
    st.text(max_size=30),
)  # fmt: skip


def _small_wxr(path: Path, items: int) -> str:
    """A real export cut to its first `items` items that have comments (the channel kept)."""
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("<item>")]
    blocks = [m.group(0) for m in re.finditer(r"<item>.*?</item>", text, re.DOTALL)]
    chosen = [b for b in blocks if "<wp:comment>" in b][:items]
    return head + "\n".join(chosen) + "\n</channel>\n</rss>\n"


WXR_SOURCES = {
    "isso": (TESTDATA / "realworld" / "wxr-isso-wordpress.xml").read_text(encoding="utf-8"),
    "cc-labs": _small_wxr(TESTDATA / "realworld" / "wxr-cc-labs-wordpress.xml", 4),
    "theme-unit": _small_wxr(
        TESTDATA / "realworld" / "wxr-wordpress-importer-theme-unit-test-data.xml", 3
    ),
}


def _mutate_xml(data, text: str) -> str:
    operation = data.draw(st.sampled_from(["value", "remove", "duplicate"]), label="op")
    pattern = BLOCK if operation == "duplicate" else ELEMENT
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    match = matches[data.draw(st.integers(0, len(matches) - 1), label="element")]
    if operation == "duplicate":
        return text[: match.end()] + match.group(0) + text[match.end() :]
    if operation == "remove":
        return text[: match.start()] + text[match.end() :]
    value = escape(data.draw(ODD_TEXT, label="text"))
    tag = match.group(1)
    return text[: match.start()] + f"<{tag}>{value}</{tag}>" + text[match.end() :]


def test_mutated_wxr(tmp_path, texts):
    before = state()
    path = tmp_path / "export.xml"
    outcomes: dict[bool, int] = {}

    @PROPERTY
    @given(data=st.data())
    def check(data):
        text = WXR_SOURCES[data.draw(st.sampled_from(sorted(WXR_SOURCES)), label="file")]
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            text = _mutate_xml(data, text)
        path.write_text(text, encoding="utf-8")
        count("wxr", check_import(path, before), outcomes)

    check()
    assert outcomes.get(True), "most mutated exports still import"


# --- the five texts ------------------------------------------------------------------------


def _line_mutation(data, lines: list[str]) -> None:
    i = data.draw(st.integers(0, len(lines) - 1), label="line")
    operation = data.draw(
        st.sampled_from(["remove", "duplicate", "replace", "long", "numbers", "swap"]),
        label="op",
    )
    if operation == "remove":
        del lines[i]
    elif operation == "duplicate":
        lines.insert(i, lines[i])
    elif operation == "replace":
        lines[i] = data.draw(ODD_TEXT, label="text")
    elif operation == "long":
        lines[i] = lines[i] + data.draw(st.sampled_from(["x" * 250, "y " * 600]), label="tail")
    elif operation == "numbers":
        big = data.draw(st.sampled_from(["99999999999999999999", "0", "-3", "2147483648"]))
        lines[i] = re.sub(r"\d+", big, lines[i])
    else:
        j = data.draw(st.integers(0, len(lines) - 1), label="other line")
        lines[i], lines[j] = lines[j], lines[i]


def test_mutated_texts(tmp_path, texts):
    before = state()
    outcomes: dict[bool, int] = {}
    sources = {key: path.read_text(encoding="utf-8").splitlines() for key, path in SEEDS.items()}

    @PROPERTY
    @given(data=st.data())
    def check(data):
        key = data.draw(st.sampled_from(sorted(sources)), label="text")
        lines = list(sources[key])
        for _ in range(data.draw(st.integers(1, 4), label="mutations")):
            if lines:
                _line_mutation(data, lines)
        path = tmp_path / SEEDS[key].name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        count("text layouts", check_import(path, before), outcomes)

    check()
    assert outcomes.get(True), "most mutated texts still import"


# --- long real values ----------------------------------------------------------------------


def _replace_first(text: str, tag: str, value: str, after: str = "") -> str:
    start = text.index(after) if after else 0
    match = re.compile(rf"<{tag}>.*?</{tag}>", re.DOTALL).search(text, start)
    return text[: match.start()] + f"<{tag}>{escape(value)}</{tag}>" + text[match.end() :]


EDITS: dict[str, Callable[[str], str]] = {
    "a 250-character pingback author": lambda t: _replace_first(
        _replace_first(t, "wp:comment_type", "pingback", "<wp:comment>"),
        "wp:comment_author", "Un billet qui cite celui-ci : " + "titre très long " * 14,
        "<wp:comment>",
    ),
    "a 1,000-character link": lambda t: _replace_first(
        t, "link", "http://example.tld/2014/test/?" + "utm=1&" * 170, "<item>"
    ),
    "a 1,000-character blog address": lambda t: _replace_first(
        t, "link", "http://example.tld/" + "blog/" * 200
    ),
    "a long wp:status": lambda t: _replace_first(t, "wp:status", "publish-" * 40, "<item>"),
    "a long comment author url": lambda t: _replace_first(
        t, "wp:comment_author_url", "http://example.org/" + "p" * 1200, "<wp:comment>"
    ),
}  # fmt: skip


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_long_real_values_import(tmp_path, edit):
    """No column rejects a real value (no DataError on PostgreSQL)."""
    path = tmp_path / "long.xml"
    path.write_text(EDITS[edit](WXR_SOURCES["isso"]), encoding="utf-8")
    err = io.StringIO()
    call_command("import_dump", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""
    assert problems(json.loads(json.dumps(build_archive()))) == []
