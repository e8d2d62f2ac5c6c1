"""Detection and diagnosis: every sample is detected as its own format and as no other,
and a file no format reads is described, with the nearest format's complaint."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from importers import formats
from importers.parsed import ParseError
from importers.source_file import SourceFile, parse_source
from importers.xmlsafe import head_text
from tests.conftest import FIXTURES, TESTDATA

# The five texts' layouts, read off each text (see each layout's test module).
TEXT_LAYOUTS = {
    "000": "indented-threads",
    "001": "at-headers",
    "002": "byline-article",
    "003": "counted-bullets",
    "004": "numbered-comments",
}
# Sample folders named after their format (the other platforms' parsers add theirs).
FORMAT_FOLDERS = ["blogger", "dotclear", "movable-type", "html-page"]


def _samples() -> list[tuple[Path, str]]:
    found = [(path, TEXT_LAYOUTS[path.name[:3]]) for path in sorted(FIXTURES.glob("*.txt"))]
    for folder in ("realworld", "xml", "sources"):
        for path in sorted((TESTDATA / folder).glob("*.xml")):
            found.append((path, path.name.split("-")[0]))
    for name in FORMAT_FOLDERS:
        found += [(p, name) for p in sorted((TESTDATA / name).glob("*")) if p.is_file()]
    return found


def _detected_by(path: Path) -> set[str]:
    data = path.read_bytes()
    text = head_text(data) if formats.looks_like_xml(data) else data.decode("utf-8", "replace")
    return {name for name in formats.format_names() if formats.module(name).detect(text)}


@pytest.mark.parametrize(("path", "own"), _samples(), ids=lambda v: getattr(v, "name", v))
def test_every_sample_is_detected_as_its_own_format_only(path: Path, own: str) -> None:
    if own not in formats.format_names():
        pytest.skip(f"no {own} parser registered")
    assert _detected_by(path) == {own}


def refusal(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ParseError) as raised:
        parse_source(SourceFile(path, data))
    return str(raised.value)


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("000.txt", FIXTURES.joinpath("000_35b5d2382263f78a.txt").read_text())
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("photo.txt", PNG, "this is a PNG image, not text"),
        ("dump.txt", _zip(), "this is a ZIP archive"),
        ("dump.txt.gz", b"\x1f\x8b\x08\x00" + bytes(32), "this is a gzip-compressed file"),
        ("scan.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "this is a PDF document"),
        ("bmw.txt", b"BMW et Mini\n\nun billet\n", "plain text: no comment headers"),
        ("utf16.txt", "Titre\n".encode("utf-16"), "UTF-16 text"),
    ],
    ids=["png", "zip", "gzip", "pdf", "text-starting-BM", "utf16"],
)
def test_a_file_that_is_not_text_says_what_it_is(tmp_path, name, data, said) -> None:
    message = refusal(tmp_path, name, data)
    assert said in message
    assert "NUL" not in message


def test_an_atom_feed_without_blogger_says_so(tmp_path) -> None:
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>Un blog</title><entry><title>Un billet</title></entry></feed>\n"
    )
    message = refusal(tmp_path, "feed.xml", atom)
    assert "an Atom feed (<feed>, Blogger namespace missing)" in message
    assert message.startswith("no known format matches this file")


def test_an_rss_feed_that_is_no_wordpress_export_says_so(tmp_path) -> None:
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    message = refusal(tmp_path, "feed.xml", rss)
    assert "an RSS feed (<rss>) with no WordPress export namespace" in message


def test_other_json_gets_the_archive_readers_complaint(tmp_path) -> None:
    message = refusal(tmp_path, "data.json", b'{"posts": []}')
    assert "JSON that is not a cmforum-json archive" in message
    assert 'read as cmforum-json: expected a JSON object with "format": "cmforum-json"' in message


def test_plain_text_shows_its_first_lines(tmp_path) -> None:
    text = "Une liste de courses\n\ndu pain\ndu beurre\n" + "x" * 300 + "\n"
    message = refusal(tmp_path, "courses.txt", text.encode())
    assert "plain text: no comment headers of any known layout" in message
    assert "(first lines: «Une liste de courses» / «du pain» / «du beurre»)" in message


def test_an_html_page_without_comments_says_where_it_looked(tmp_path) -> None:
    page = b"<!DOCTYPE html><html><body><h1>Un billet</h1><p>Du texte.</p></body></html>\n"
    message = refusal(tmp_path, "billet.html", page)
    assert message.startswith("an HTML page with no comment list found (looked for ")
    for selector in ("ol.commentlist", ".comment-thread", "dl#comments-block", "#comments dl"):
        assert selector in message


def test_a_date_with_no_instant_in_utc_is_refused_before_writing(tmp_path) -> None:
    feed = (
        "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>"
        "<id>tag:blogger.com,1999:blog-1</id><title>t</title>\n<entry>"
        "<id>tag:blogger.com,1999:blog-1.post-1</id><category scheme='http://schemas.google.com"
        "/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#post'/>"
        "<published>0001-01-01T00:00:00.000+01:00</published><title>P</title></entry></feed>\n"
    )
    message = refusal(tmp_path, "blog.xml", feed.encode())
    assert message == "the date '0001-01-01T00:00:00.000+01:00' of 'P' is out of range"
