"""Movable Type / TypePad exports ("The Movable Type Import / Export Format").

A text export of a whole blog: entries closed by a line of eight dashes; each entry a header
of ``KEY: value`` lines, a line of five dashes, then multi-line sections (BODY:, EXTENDED
BODY:, EXCERPT:, KEYWORDS:, COMMENT:, PING:) each closed by five dashes. The grammar read
here is the one MT's own exporter writes (MT::ImportExport) and its importer reads.

Pure: text in, ParsedDump out. Commenters' e-mail and IP addresses are in the file but
never read. Comments are flat (MT has no replies); pings are trackbacks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from importers._headers import split_lines
from importers.parsed import (
    COMMENT,
    EXACT,
    TRACKBACK,
    UNKNOWN,
    ParsedArticle,
    ParsedComment,
    ParsedDump,
    ParseError,
)
from importers.xmlsafe import html_to_text, unescape_entities

NAME = "movable-type"

ENTRY_END = "--------"
SECTION_END = "-----"
SECTIONS = ("BODY", "EXTENDED BODY", "EXCERPT", "KEYWORDS", "COMMENT", "PING")
# The entry header keys MT writes or reads; TypePad adds UNIQUEURL (the entry's permalink).
HEADER_KEYS = frozenset(
    {
        "AUTHOR", "TITLE", "BASENAME", "STATUS", "ALLOW COMMENTS", "ALLOW PINGS",
        "CONVERT BREAKS", "PRIMARY CATEGORY", "CATEGORY", "DATE", "TAGS", "NO ENTRY",
        "UNIQUEURL",
    }
)  # fmt: skip
COMMENT_KEYS = frozenset({"AUTHOR", "EMAIL", "URL", "IP", "DATE"})
PING_KEYS = frozenset({"TITLE", "URL", "IP", "BLOG NAME", "DATE"})
# MT::Entry::status_int, case-insensitive; Review is WordPress's "pending".
STATUSES = {
    "publish": "publish",
    "draft": "draft",
    "future": "future",
    "review": "pending",
    "spam": "spam",
    "junk": "spam",
    "unpublish": "unpublish",
}
# CONVERT BREAKS values whose text is HTML as written (newlines are only whitespace); the
# others (1, __default__, markdown, textile_2 ...) are typed text where a newline counts.
HTML_FILTERS = frozenset({"0", "richtext", "wysiwyg"})

# MT's keys are upper case; other spellings ("Author:") are keys MT ignores, said as such.
_KEY_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9 _-]*?)\s*:\s*(.*)$")
_SECTION_LINE = re.compile(r"^(" + "|".join(SECTIONS) + r"):$")
# MM/DD/YYYY hh:mm:ss AM|PM, or 24-hour without AM/PM (MT::ImportExport::_convert_date).
_DATE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{2,4}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\s+([AaPp][Mm]))?$"
)
HEAD_LIMIT = 65536
_DETECT_FIRST = re.compile(
    r"^(?:AUTHOR|TITLE|BASENAME|STATUS|ALLOW COMMENTS|ALLOW PINGS|CONVERT BREAKS"
    r"|PRIMARY CATEGORY|CATEGORY|DATE|TAGS|NO ENTRY|UNIQUEURL)[ \t]*:"
)
_DETECT_STRUCTURE = re.compile(
    r"^-----[ \t]*\r?\n(?:[ \t]*\r?\n)*(?:BODY|EXTENDED BODY|EXCERPT|COMMENT|PING):[ \t]*\r?$"
    r"|^--------[ \t]*\r?$",
    re.MULTILINE,
)


def detect(text: str) -> bool:
    """Starts (after blank lines) with an entry header key, and has the structure: a
    five-dash line before a section keyword, or the eight-dash end of an entry."""
    head = text[:HEAD_LIMIT].removeprefix("\ufeff").lstrip(" \t\r\n")
    return bool(_DETECT_FIRST.match(head)) and bool(_DETECT_STRUCTURE.search(head))


def parse_mt_date(value: str, line: int) -> datetime | None:
    """'01/31/2002 03:31:05 PM' or '01/31/2002 15:31:05' -> naive local datetime; '' -> None.
    Anything else is a ParseError: a date read wrong is worse than none."""
    value = value.strip()
    if not value:
        return None
    match = _DATE.match(value)
    if not match:
        raise ParseError(
            f"unreadable DATE {value!r}: expected MM/DD/YYYY hh:mm:ss AM|PM (or 24-hour)",
            line,
        )
    month, day, year, hour, minute, second = (int(g) for g in match.groups()[:6])
    if len(match[3]) != 4:
        # MT itself adds 1900 to a two-digit year: "05" would be 1905.
        raise ParseError(f"DATE {value!r} has a {len(match[3])}-digit year: expected YYYY", line)
    meridiem = (match[7] or "").upper()
    if meridiem:
        if not 1 <= hour <= 12:
            raise ParseError(f"DATE {value!r}: hour {hour} does not exist with {meridiem}", line)
        # 12:xx AM is just after midnight, 12:xx PM just after noon.
        hour = hour % 12 + (12 if meridiem == "PM" else 0)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError as error:
        raise ParseError(f"DATE {value!r} is not a real date or time ({error})", line) from None


# --------------------------------------------------------------------------- structure


@dataclass
class _Section:
    keyword: str
    line: int  # of the keyword
    lines: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    line: int  # of its first header line
    header: dict[str, str] = field(default_factory=dict)
    header_lines: dict[str, int] = field(default_factory=dict)
    sections: list[_Section] = field(default_factory=list)


class _Reader:
    """Splits the text into entries and sections, with the line of each."""

    def __init__(self, text: str) -> None:
        self.lines = split_lines(text)
        self.warnings: list[str] = []
        self.unknown_keys: dict[str, int] = {}  # key -> first line

    def entries(self) -> list[_Entry]:
        out: list[_Entry] = []
        i = self._skip_blank(0)
        while i < len(self.lines):
            entry, i = self._entry(i)
            out.append(entry)
            i = self._skip_blank(i)
        if not out:
            raise ParseError("no entry: expected a Movable Type export", 1)
        return out

    def _skip_blank(self, i: int) -> int:
        while i < len(self.lines) and not self.lines[i].strip():
            i += 1
        return i

    def _entry(self, i: int) -> tuple[_Entry, int]:
        entry = _Entry(line=i + 1)
        # The header: KEY: value lines up to five dashes (or, for a bare entry, eight).
        while True:
            if i >= len(self.lines):
                raise ParseError(
                    f"the file ends inside the header of the entry at line {entry.line}: "
                    f"expected '{SECTION_END}' then its sections, and '{ENTRY_END}'",
                    i,
                )
            stripped = self.lines[i].strip()
            if stripped == SECTION_END:
                i += 1
                break
            if stripped == ENTRY_END:
                return entry, i + 1
            if stripped:
                self._header_line(entry, stripped, i + 1)
            i += 1
        # The sections, up to eight dashes.
        while True:
            i = self._skip_blank(i)
            if i >= len(self.lines):
                raise ParseError(
                    f"the file ends before the '{ENTRY_END}' that closes the entry at line "
                    f"{entry.line}: the export looks truncated",
                    len(self.lines),
                )
            stripped = self.lines[i].strip()
            if stripped == ENTRY_END:
                return entry, i + 1
            if stripped == SECTION_END:  # an empty section's closing line: nothing to read
                i += 1
                continue
            match = _SECTION_LINE.match(stripped)
            if not match:
                raise ParseError(
                    f"expected a section ({', '.join(s + ':' for s in SECTIONS)}) or "
                    f"'{ENTRY_END}' in the entry at line {entry.line}, got {stripped[:60]!r}",
                    i + 1,
                )
            section, i = self._section(match[1], i)
            entry.sections.append(section)

    def _header_line(self, entry: _Entry, stripped: str, line: int) -> None:
        match = _KEY_LINE.match(stripped)
        if not match:
            raise ParseError(
                f"expected a 'KEY: value' line (AUTHOR:, TITLE:, DATE: ...) in the header of "
                f"the entry at line {entry.line}, or '{SECTION_END}', got {stripped[:60]!r}",
                line,
            )
        key, value = match[1], match[2]
        if key == "START BODY":
            raise ParseError("START BODY (a pre-2.0 export layout) is not supported", line)
        if key not in HEADER_KEYS:
            self.unknown_keys.setdefault(key, line)
        elif key in entry.header and key != "CATEGORY":
            self.warnings.append(
                f"line {line}: {key} given twice in the entry at line {entry.line}; "
                "the last one is read, as Movable Type does"
            )
        entry.header[key] = value
        entry.header_lines[key] = line

    def _section(self, keyword: str, i: int) -> tuple[_Section, int]:
        section = _Section(keyword, i + 1)
        i += 1
        while True:
            if i >= len(self.lines):
                raise ParseError(
                    f"the {keyword} section at line {section.line} is not closed: the file "
                    f"ends before its '{SECTION_END}' (truncated?)",
                    len(self.lines),
                )
            stripped = self.lines[i].strip()
            if stripped == ENTRY_END:
                raise ParseError(
                    f"the {keyword} section at line {section.line} is not closed: "
                    f"'{ENTRY_END}' comes before its '{SECTION_END}'",
                    i + 1,
                )
            if _SECTION_LINE.match(stripped):
                raise ParseError(
                    f"{stripped} inside the {keyword} section at line {section.line}: "
                    f"the '{SECTION_END}' that closes it is missing",
                    i + 1,
                )
            if stripped == SECTION_END:
                if self._closes(i + 1):
                    return section, i + 1
                # Five dashes typed in a text, followed by more text: part of the text.
                self.warnings.append(
                    f"line {i + 1}: '{SECTION_END}' followed by text inside the {keyword} "
                    f"section at line {section.line}; read as part of its text"
                )
            section.lines.append(self.lines[i])
            i += 1

    def _closes(self, i: int) -> bool:
        """Whether five dashes before line index ``i`` end a section: what follows is a
        section, the end of the entry, another five dashes, or the end of the file."""
        i = self._skip_blank(i)
        if i >= len(self.lines):
            return True
        stripped = self.lines[i].strip()
        return stripped in (ENTRY_END, SECTION_END) or bool(_SECTION_LINE.match(stripped))


# --------------------------------------------------------------------------- reading


def _name(value: str) -> str:
    # Names may carry entities typed into a form ("Jean &amp; Marie"): keep the words.
    return unescape_entities(value)


def _title(value: str) -> str:
    # MT prints titles unescaped: tags and entities in one are what a reader saw rendered.
    return html_to_text(value).replace("\n", " ")


def _raw(lines: list[str]) -> str:
    """A section's text as written, without the blank lines around it (MT trims them)."""
    return "\n".join(lines).strip("\n")


def _split_fields(
    lines: list[str], keys: frozenset[str], start: int
) -> tuple[dict[str, tuple[str, int]], list[str]]:
    """A comment's or ping's KEY: value lines (in any order), then its text: the first line
    that is not one of ``keys`` starts the text, as in MT's importer."""
    fields: dict[str, tuple[str, int]] = {}
    for n, line in enumerate(lines):
        match = _KEY_LINE.match(line.strip())
        if not match or match[1] not in keys:
            return fields, lines[n:]
        fields[match[1]] = (match[2].strip(), start + n)
    return fields, []


def _date_field(fields: dict[str, tuple[str, int]]) -> tuple[datetime | None, str]:
    raw, line = fields.get("DATE", ("", 0))
    posted = parse_mt_date(raw, line)
    return posted, raw if posted else ""


def _comment(section: _Section) -> ParsedComment:
    fields, text_lines = _split_fields(section.lines, COMMENT_KEYS, section.line + 1)
    text = _raw(text_lines)
    posted, date_raw = _date_field(fields)
    return ParsedComment(
        author=_name(fields.get("AUTHOR", ("", 0))[0]),
        author_url=fields.get("URL", ("", 0))[0],
        # Comments are typed text: a newline is a line break, a blank line a paragraph.
        body=html_to_text(text, newlines_are_breaks=True),
        body_html=text,
        posted_at=posted,
        date_raw=date_raw,
        kind=COMMENT,
        line=section.line,
    )


def _ping(section: _Section) -> ParsedComment:
    fields, text_lines = _split_fields(section.lines, PING_KEYS, section.line + 1)
    excerpt = _raw(text_lines)
    posted, date_raw = _date_field(fields)
    blog_name = _name(fields.get("BLOG NAME", ("", 0))[0])
    title = _title(fields.get("TITLE", ("", 0))[0])
    # Like a WordPress trackback: the author is the pinging blog's name, else the title of
    # the pinging post; a title that is not the author leads the text, as WordPress shows.
    author = blog_name or title
    body = html_to_text(excerpt, newlines_are_breaks=True)
    if title and title != author:
        body = title + ("\n\n" + body if body else "")
    return ParsedComment(
        author=author,
        author_url=fields.get("URL", ("", 0))[0],
        body=body,
        body_html=excerpt,
        posted_at=posted,
        date_raw=date_raw,
        kind=TRACKBACK,
        line=section.line,
    )


def _article(entry: _Entry, warnings: list[str]) -> ParsedArticle:
    h = entry.header
    date_raw = h.get("DATE", "").strip()
    published = parse_mt_date(date_raw, entry.header_lines.get("DATE", entry.line))
    status_raw = h.get("STATUS", "").strip()
    status = STATUSES.get(status_raw.lower()) if status_raw else "publish"
    if status is None:
        status = status_raw.lower()
        warnings.append(
            f"line {entry.header_lines['STATUS']}: entry status {status_raw!r} is not one "
            "Movable Type writes; kept as given (the entry is not public)"
        )
    texts: dict[str, str] = {}
    for section in entry.sections:
        if section.keyword in ("BODY", "EXTENDED BODY"):
            if section.keyword in texts:
                warnings.append(
                    f"line {section.line}: a second {section.keyword} in the entry at line "
                    f"{entry.line}; the last one is read, as Movable Type does"
                )
            texts[section.keyword] = _raw(section.lines)
    newlines_are_breaks = h.get("CONVERT BREAKS", "").strip() not in HTML_FILTERS
    parts = [texts.get("BODY", ""), texts.get("EXTENDED BODY", "")]
    # The excerpt and keywords are summaries of the entry, not its text: not read (as WXR).
    comments = [
        _comment(s) if s.keyword == "COMMENT" else _ping(s)
        for s in entry.sections
        if s.keyword in ("COMMENT", "PING")
    ]
    url = h.get("UNIQUEURL", "").strip()
    return ParsedArticle(
        title=_title(h.get("TITLE", "")),
        body="\n\n".join(t for t in (html_to_text(p, newlines_are_breaks) for p in parts) if t),
        body_html="\n\n".join(p for p in parts if p.strip()),
        author=_name(h.get("AUTHOR", "")),
        published_at=published,
        date_precision=EXACT if published else UNKNOWN,
        date_raw=date_raw if published else "",
        url=url,
        source_id=h.get("BASENAME", "").strip() or None,
        status=status,
        comments=comments,
    )


def _identify(pairs: list[tuple[_Entry, ParsedArticle]], warnings: list[str]) -> None:
    """Source ids that stay the same from one export to the next. MT's own identity for an
    entry is its BASENAME; without one (older exports, other blog engines' exports) its
    permalink, else its DATE, which MT itself uses to find an entry again (NO ENTRY)."""
    seen: dict[str, int] = {}
    for entry, article in pairs:
        if article.source_id is None and not article.url and article.published_at:
            article.source_id = "date:" + article.published_at.isoformat(sep=" ")
        sid = article.source_id
        if sid is None:
            continue
        if sid in seen:
            warnings.append(
                f"line {entry.line}: the entry has the same identity ({sid}) as the entry at "
                f"line {seen[sid]}; kept as a separate article identified by its title"
            )
            article.source_id = None
        else:
            seen[sid] = entry.line


def _attach_no_entry(
    pairs: list[tuple[_Entry, ParsedArticle]], warnings: list[str]
) -> list[tuple[_Entry, ParsedArticle]]:
    """NO ENTRY marks a block that only brings comments for an entry already on the blog,
    found by its DATE. Found in this file: the comments join it. Not found: they are kept
    under a placeholder article with that date, so nothing is lost."""
    by_date = {a.published_at: a for e, a in pairs if "NO ENTRY" not in e.header and a.published_at}
    out: list[tuple[_Entry, ParsedArticle]] = []
    for entry, article in pairs:
        if "NO ENTRY" not in entry.header:
            out.append((entry, article))
            continue
        target = by_date.get(article.published_at) if article.published_at else None
        if target is not None:
            target.comments.extend(article.comments)
            warnings.append(
                f"line {entry.line}: NO ENTRY block: its {len(article.comments)} comment(s) "
                f"join the entry dated {article.date_raw}"
            )
            continue
        article.status, article.title, article.body, article.body_html = "placeholder", "", "", ""
        article.flags.append("no-entry")
        warnings.append(
            f"line {entry.line}: NO ENTRY block for an entry dated {article.date_raw or '(none)'}"
            " that is not in this file; its comments are kept under a placeholder article"
        )
        out.append((entry, article))
    return out


def parse(text: str) -> ParsedDump:
    if not text.strip():
        raise ParseError("expected a Movable Type export, got an empty text", 1)
    reader = _Reader(text)
    entries = reader.entries()
    warnings = reader.warnings
    for key, line in sorted(reader.unknown_keys.items(), key=lambda kv: kv[1]):
        warnings.append(f"line {line}: header key {key!r} is not part of the format; not read")
    pairs = _attach_no_entry([(e, _article(e, warnings)) for e in entries], warnings)
    _identify(pairs, warnings)
    articles = [a for _, a in pairs]
    # The export names no blog; TypePad's permalinks do. One name for the whole export, so
    # that its drafts without a permalink land on the same blog as its published entries.
    hosts = {urlsplit(a.url).hostname for a in articles if a.url}
    if len(hosts) == 1 and None not in hosts:
        host = hosts.pop()
        for article in articles:
            article.blog_name = host
    return ParsedDump(format=NAME, articles=articles, warnings=warnings)
