"""Large files read as a stream instead of one document in memory: cmforum-json archives
(ijson) and WordPress exports (expat, item by item: importers.wxr.stream_articles).

import_dump reads a file this way past STREAM_BYTES. It is checked as the whole-document
parser checks it (for an archive: the schema, then what a schema cannot say, one article
at a time); then its articles are read again from the file each time the loader goes
through them (``StreamedArticles``), so memory holds one article, not the file. The file
must not change meanwhile: every pass hashes the bytes it reads, and a pass that read
other bytes than were checked fails, which rolls the file's transaction back. What the
stream cannot read as the whole-document parser would (a repair to make, an integer past
64 bits, a syntax error to locate) is read whole, by that parser.

Pure, like every parser: no ORM here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import ijson

from importers import archive_json, wxr
from importers.archive_json import NAME, VERSION, ArchiveInvalid
from importers.parsed import ParsedArticle, ParsedDump, ParseError
from importers.xmlsafe import head_text, sniff_encoding

# Smaller files are read whole: one parse, nothing to read again. Past this, a file's
# parsed form (about 10 times its size) would outgrow the 250 MB an import may take.
STREAM_BYTES = 16 * 1024 * 1024
CHUNK = 1024 * 1024


def wanted(path: Path, format_name: str | None) -> str | None:
    """The format of a file to stream: large, and cmforum-json or a UTF-8 WXR export by
    its start; None to read it whole."""
    try:
        if path.stat().st_size <= STREAM_BYTES:
            return None
        with path.open("rb") as f:
            head = f.read(wxr_head := 65536)
    except OSError:
        return None
    # A byte order mark: read whole (json decodes it, ijson does not).
    if format_name in (None, NAME) and archive_json.detect(head.decode("utf-8", "ignore")):
        return NAME
    encoding, bom = sniff_encoding(head)
    if format_name in (None, wxr.NAME) and not bom and encoding.lower() in UTF8:
        if wxr.detect(head_text(head, wxr_head)):
            return wxr.NAME
    return None


UTF8 = {"utf-8", "utf8", "us-ascii", "ascii"}  # what expat reads from bytes as decode does


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class _Hashing:
    """A binary file that hashes what is read from it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.hash = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.hash.update(data)
        return data

    def hexdigest(self) -> str:
        while self.read(CHUNK):  # the rest of the file, after the last value read
            pass
        return self.hash.hexdigest()


def _whole(path: Path) -> ParsedDump:
    """What ijson cannot read, json may (an integer past 64 bits): the whole-document
    reader then says what is wrong, with its line and column for a syntax error, or
    reads the file."""
    return archive_json.parse(path.read_bytes().decode("utf-8-sig"))


def _top_level(f: BinaryIO) -> tuple[dict, int]:
    """Every top-level value but the articles (each built whole: they are small), with
    ``articles`` as [] when it is a list, and the number of articles."""
    found: dict = {}
    n_articles = 0
    depth = 0
    key = None
    builder = None
    for prefix, event, value in ijson.parse(f, use_float=True):
        if depth == 0 and event != "start_map":
            raise ParseError(f'expected a JSON object with "format": "{NAME}"')
        if depth == 1 and event == "map_key":
            key, builder = value, None
            continue
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
        if depth == 0 or key is None:
            continue
        if key == "articles" and event == "start_array" and depth == 2:
            found["articles"] = []
            continue
        if key == "articles" and "articles" in found and isinstance(found["articles"], list):
            if event == "start_map" and prefix == "articles.item" and depth == 3:
                n_articles += 1
            continue
        if builder is None:
            builder = ijson.ObjectBuilder()
        builder.event(event, value)
        if depth == 1:  # the value is complete
            found[key] = builder.value
            builder = None
    return found, n_articles


def _articles(f: BinaryIO) -> Iterator[dict]:
    yield from ijson.items(f, "articles.item", use_float=True)


def _archive_articles(f: BinaryIO) -> Iterator[ParsedArticle]:
    for data in _articles(f):
        yield archive_json.parsed_article(data)


def _wxr_articles(f: BinaryIO) -> Iterator[ParsedArticle]:
    yield from wxr.stream_articles(f, ParsedDump(format=wxr.NAME, articles=[]))


def _check_wxr(path: Path, sha256: str) -> ParsedDump:
    """A WordPress export read item by item: its skipped items and warnings counted, its
    articles counted and let go."""
    dump = ParsedDump(format=wxr.NAME, articles=[])
    count = 0
    try:
        with path.open("rb") as raw:
            f = _Hashing(raw)
            for _ in wxr.stream_articles(f, dump):
                count += 1
            digest = f.hexdigest()
    except wxr.StreamUnsuitable:
        return wxr.parse_bytes(path.read_bytes())
    if digest != sha256:
        raise ParseError("the file changed on disk while it was read; run the import again")
    dump.articles = StreamedArticles(path, sha256, count, _wxr_articles)
    return dump


def check(path: Path, sha256: str, format_name: str = NAME) -> ParsedDump:
    """Check a streamed file as its whole-document parser would, and return it with its
    articles to be read from the file (StreamedArticles). Raises what that parser raises."""
    if format_name == wxr.NAME:
        return _check_wxr(path, sha256)
    try:
        with path.open("rb") as raw:
            f = _Hashing(raw)
            top, n_articles = _top_level(f)
            digest = f.hexdigest()
    except ijson.JSONError:
        return _whole(path)
    if digest != sha256:
        raise ParseError("the file changed on disk while it was read; run the import again")
    if top.get("format") != NAME:
        raise ParseError(f'expected a JSON object with "format": "{NAME}"')
    if top.get("version") != VERSION:
        raise ParseError(f"expected archive version {VERSION}, got {top.get('version')!r}")
    # The order archive_json gives: every schema problem (articles first, as their path
    # sorts), else every other problem; participants, then the articles in file order.
    top_schema = archive_json.schema_problems(top)
    slugs = set() if top_schema else {p["slug"] for p in top["participants"]}
    schema: list[str] = []
    identity: list[str] = (
        [] if top_schema else archive_json.participant_problems(top["participants"])
    )
    article_slugs: dict[str, str] = {}
    try:
        with path.open("rb") as raw:
            f = _Hashing(raw)
            for n, article in enumerate(_articles(f)):
                found = archive_json.schema_problems(article, "article", ("articles", n))
                if found or top_schema:
                    schema += found
                    continue
                if article["slug"] in article_slugs:
                    shown = json.dumps(article["slug"], ensure_ascii=False)[:60]
                    identity.append(
                        f"articles[{n}].slug: expected a unique slug; {shown} is already at "
                        f"{article_slugs[article['slug']]}"
                    )
                elif article["slug"]:
                    article_slugs[article["slug"]] = f"articles[{n}].slug"
                identity += archive_json.article_problems(n, article, slugs)
            digest = f.hexdigest()
    except ijson.JSONError:
        return _whole(path)
    if digest != sha256:
        raise ParseError("the file changed on disk while it was read; run the import again")
    if schema or top_schema:
        raise ArchiveInvalid(schema + top_schema)
    if identity:
        raise ArchiveInvalid(identity)
    return ParsedDump(
        format=NAME,
        articles=StreamedArticles(path, sha256, n_articles, _archive_articles),
        participants=top["participants"],
        history=top.get("history", []),
        merge_candidates=top.get("merge_candidates", []),
    )


class StreamedArticles(Sequence[ParsedArticle]):
    """A checked archive's articles, read from the file again on every pass."""

    def __init__(
        self,
        path: Path,
        sha256: str,
        count: int,
        read: Callable[[BinaryIO], Iterator[ParsedArticle]],
    ) -> None:
        self.path = path
        self.sha256 = sha256
        self.count = count
        self.read = read

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[ParsedArticle]:
        with self.path.open("rb") as raw:
            f = _Hashing(raw)
            try:
                yield from self.read(f)
                digest = f.hexdigest()
            except (ijson.JSONError, wxr.StreamUnsuitable):
                digest = ""
        if digest != self.sha256:
            raise ParseError("the file changed on disk while it was imported; nothing of it kept")

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += self.count
        for n, article in enumerate(self):
            if n == index:
                return article
        raise IndexError(index)
