"""Dotclear 2 flat exports ("Import/Export" plugin): a whole installation (``full``) or one
blog (``single``), as posts and pages with their comments and trackbacks.

Pure: text in, ParsedDump out. The grammar, as Dotclear writes it (FlatExport::export and
::getLine) and reads it back (FlatBackup::getLine):

- line 1: ``///DOTCLEAR|<version>|full`` or ``|single``;
- a block: a blank line, then ``[<table> <col>,<col>,...]``, then one line per row;
- a row: every value in double quotes, separated by commas. Inside a value a backslash is
  written ``\\\\``, a newline ``\\n``, a carriage return ``\\r``, a double quote ``\\"``: so a
  row is always one physical line. NULL is written ``""`` (PHP casts it to "").
  Dotclear never writes a bare ``NULL``; one is read as an absent value all the same.

Which columns are read, and what is never read (e-mail and IP addresses, passwords):
see `_Builder._article` and `_Builder._comment`. Dates: Dotclear stores post_dt and
comment_dt as the wall-clock time of post_tz / comment_tz (dcBlog::addComment,
publishScheduledEntries), so they become aware datetimes with that zone's offset; without
a usable zone, the blog's ``system.blog_timezone`` setting; without one either, naive
(Europe/Paris, the house rule)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
from importers.xmlsafe import html_to_text, parse_sql_datetime, unescape_entities

NAME = "dotclear"
MAGIC = "///DOTCLEAR|"
MODES = ("full", "single")
# Dotclear 2 versions as DC_VERSION spells them: 2.0-beta7, 2.25.3, 2.33-dev. Dotclear 1.2
# exports have other tables and columns (post_titre, comment_auteur...): not this format.
_VERSION = re.compile(r"^2(?:\.\d+)*(?:[-.+~]?[0-9A-Za-z]+)*$")
_BLOCK_HEADER = re.compile(r"^\[([A-Za-z_][\w-]*) ([^\]]*)\]$")
_COLUMN = re.compile(r"^[A-Za-z_]\w*$")
# PHP's trim(), which FlatBackup applies to every line.
_TRIM = " \t\n\r\0\x0b"
_ESCAPES = {"\\": "\\", "n": "\n", "r": "\r", '"': '"'}

# dcBlog: comment_status -2 junk, -1 pending, 0 unpublished, 1 published.
COMMENT_STATUSES = {"1": "approved", "0": "pending", "-1": "pending", "-2": "spam"}
# dcBlog: post_status -2 pending (awaiting review), -1 scheduled, 0 unpublished, 1 published.
POST_STATUSES = {"1": "publish", "0": "draft", "-1": "future", "-2": "pending"}
# Post types and the URL base of each (setPostType: 'post/%s', the pages plugin 'pages/%s').
ARTICLE_TYPES = {"post": "post/", "page": "pages/"}
IMPORTED_BLOCKS = ("blog", "post", "comment")


def detect(text: str) -> bool:
    return text.lstrip("\ufeff").startswith(MAGIC)


# --------------------------------------------------------------------------- the grammar


@dataclass
class Row:
    values: dict[str, str | None]
    line: int

    def get(self, column: str) -> str:
        """The value, "" for NULL or a column this export does not have."""
        return self.values.get(column) or ""


@dataclass
class Flat:
    version: str
    mode: str
    tables: dict[str, list[Row]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # rows per block, every block


def _header(first: str) -> tuple[str, str]:
    line = first.lstrip("\ufeff").strip(_TRIM)
    if not line.startswith(MAGIC):
        raise ParseError(f"expected a Dotclear export header {MAGIC}<version>|full", 1)
    parts = line.split("|")
    version = parts[1].strip() if len(parts) > 1 else ""
    mode = parts[2].strip().lower() if len(parts) > 2 else "single"  # as Dotclear reads it
    if not _VERSION.match(version):
        raise ParseError(
            f"unknown Dotclear version {version!r} in the header; expected a Dotclear 2 "
            "export (///DOTCLEAR|2.x|full or |single)",
            1,
        )
    if mode not in MODES or len(parts) > 3:
        raise ParseError(
            f"unknown export mode {parts[2].strip() if len(parts) > 2 else ''!r} in the "
            "header; expected full or single",
            1,
        )
    return version, mode


# One value and what follows it: a quoted value (backslash escapes inside) or a bare NULL,
# then a comma or the end of the row.
_VALUE = re.compile(r'(?:"((?:[^"\\]++|\\.)*+)"|(NULL))(,|$)', re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _unescape(match: re.Match[str]) -> str:
    # Dotclear writes no other escape; a lone backslash stays as written.
    return _ESCAPES.get(match[1], match[0])


def split_row(line: str, number: int) -> list[str | None]:
    """The values of one row line: quoted values (escapes decoded) or bare NULLs."""
    values: list[str | None] = []
    pos, end = 0, len(line)
    while True:
        match = _VALUE.match(line, pos)
        if match is None or (match[3] == "," and match.end() == end):
            return _row_error(line, number)
        value = match[1]
        if value is None:
            values.append(None)
        else:
            values.append(_ESCAPE.sub(_unescape, value) if "\\" in value else value)
        if not match[3]:
            return values
        pos = match.end()


def _row_error(line: str, number: int) -> list[str | None]:
    """Walk the row value by value to say where it breaks (raises ParseError)."""
    values: list[str | None] = []
    i, end = 0, len(line)
    while True:
        if line.startswith("NULL", i) and (i + 4 == end or line[i + 4] == ","):
            values.append(None)
            i += 4
        elif i < end and line[i] == '"':
            out: list[str] = []
            j = i + 1
            while True:
                # The next backslash or quote, whichever comes first.
                q = line.find('"', j)
                b = line.find("\\", j, q if q != -1 else end)
                if q == -1 and b == -1:
                    raise ParseError(
                        f"unterminated quoted value (opened at column {i + 1}): the file "
                        "looks truncated or damaged; expected a closing double quote",
                        number,
                        i + 1,
                    )
                if b != -1:
                    out.append(line[j:b])
                    escaped = line[b + 1 : b + 2]
                    # Dotclear writes no other escape; a lone backslash stays as written.
                    out.append(_ESCAPES.get(escaped, "\\" + escaped))
                    j = b + 1 + len(escaped)
                    continue
                out.append(line[j:q])
                i = q + 1
                break
            values.append("".join(out))
        else:
            raise ParseError('expected a value in double quotes ("...") or NULL', number, i + 1)
        if i == end:
            return values
        if line[i] != ",":
            raise ParseError(
                "expected a comma or the end of the row after a value (an unescaped "
                "double quote inside a value?)",
                number,
                i + 1,
            )
        i += 1


KEPT_BLOCKS = ("blog", "post", "comment", "user", "setting")


def read_flat(text: str, keep: tuple[str, ...] = KEPT_BLOCKS) -> Flat:
    """Every block and row of the export; only the rows of `keep` blocks are kept."""
    lines = text.split("\n")  # fgets: only "\n" ends a line (never \x0b, \u2028...)
    version, mode = _header(lines[0])
    flat = Flat(version=version, mode=mode)
    name: str | None = None
    columns: list[str] = []
    rows: list[Row] | None = None
    for number, raw in enumerate(lines[1:], 2):
        line = raw.strip(_TRIM)
        if not line:
            continue
        if line.startswith("["):
            match = _BLOCK_HEADER.match(line)
            columns = match[2].split(",") if match else []
            if not match or not all(_COLUMN.match(c) for c in columns):
                raise ParseError(
                    "malformed block header; expected [<table> <column>,<column>,...]", number
                )
            name = match[1]
            flat.counts.setdefault(name, 0)
            rows = flat.tables.setdefault(name, []) if name in keep else None
            continue
        if not line.startswith(('"', "NULL")):
            raise ParseError(
                "expected a [block] header, a row of quoted values or a blank line", number
            )
        if name is None:
            raise ParseError("a row before any [block] header", number)
        values = split_row(line, number)
        if len(values) != len(columns):
            raise ParseError(
                f"this [{name}] row has {len(values)} values but the block header names "
                f"{len(columns)} columns",
                number,
            )
        flat.counts[name] += 1
        if rows is not None:
            rows.append(Row(dict(zip(columns, values, strict=True)), number))
    return flat


# --------------------------------------------------------------------------- the content


def parse(text: str) -> ParsedDump:
    flat = read_flat(text)
    return _Builder(flat).dump()


class _Builder:
    def __init__(self, flat: Flat) -> None:
        self.flat = flat
        self.out = ParsedDump(format=NAME, articles=[])
        self.blogs = {r.get("blog_id"): r for r in flat.tables.get("blog", [])}
        self.users = {r.get("user_id"): r for r in flat.tables.get("user", [])}
        self.zones: dict[str, str] = {}  # blog_id ("" = installation) -> blog_timezone
        for r in flat.tables.get("setting", []):
            if (r.get("setting_ns"), r.get("setting_id")) == ("system", "blog_timezone"):
                self.zones[r.get("blog_id")] = r.get("setting_value").strip()
        self.bad_zones: set[str] = set()
        for name, n in flat.counts.items():
            if name not in IMPORTED_BLOCKS and n:
                self.out.skipped[name] = n

    def skip(self, kind: str, n: int = 1) -> None:
        self.out.skipped[kind] = self.out.skipped.get(kind, 0) + n

    def dump(self) -> ParsedDump:
        comments: dict[str, list[Row]] = {}
        for row in self.flat.tables.get("comment", []):
            comments.setdefault(row.get("post_id"), []).append(row)
        seen: set[str] = set()
        missing_blogs: set[str] = set()
        for row in self.flat.tables.get("post", []):
            post_id = row.get("post_id")
            if post_id in seen:
                self.out.warnings.append(
                    f"line {row.line}: post {post_id} appears twice; the second is skipped"
                )
                self.skip("duplicate post")
                continue
            seen.add(post_id)
            rows = comments.pop(post_id, [])
            post_type = row.get("post_type") or "post"
            if post_type not in ARTICLE_TYPES and not rows:
                self.skip(f"post of type {post_type}")
                continue
            blog_id = row.get("blog_id")
            if blog_id not in self.blogs:
                missing_blogs.add(blog_id)
            article = self._article(row, post_type)
            article.comments = [self._comment(c, blog_id) for c in rows]
            self.out.articles.append(article)
        for post_id, rows in comments.items():
            # Kept, as the other exports' orphans are: under a placeholder for the post.
            self.out.warnings.append(
                f"line {rows[0].line}: {len(rows)} comment(s) of post {post_id}, which is not "
                "in this export; kept under a placeholder article"
            )
            blog_id = next(iter(self.blogs), "") if len(self.blogs) == 1 else ""
            blog = self.blogs.get(blog_id)
            placeholder = ParsedArticle(
                title="",
                body="",
                blog_name=blog.get("blog_name") if blog else "",
                blog_url=blog.get("blog_url").strip() if blog else "",
                source_id=post_id,
                status="placeholder",
                kind="post",
                flags=["missing-post"],
            )
            placeholder.comments = [self._comment(c, blog_id) for c in rows]
            self.out.articles.append(placeholder)
        if missing_blogs:
            # A single-blog export never has the [blog] block.
            why = (
                "a single-blog export does not say the blog's name or address"
                if self.flat.mode == "single"
                else "the [blog] block has no row for it"
            )
            self.out.warnings.append(
                f"{why} (Dotclear id {', '.join(sorted(missing_blogs))}): its articles have "
                "no page URL"
            )
        return self.out

    # --- dates

    def _zone(self, tz: str, blog_id: str, line: int) -> ZoneInfo | None:
        """The zone of a post or comment: its own, else its blog's, else the installation's."""
        for name in (tz.strip(), self.zones.get(blog_id, ""), self.zones.get("", "")):
            if not name or name in self.bad_zones:
                continue
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                self.bad_zones.add(name)
                self.out.warnings.append(
                    f"line {line}: unknown time zone {name!r}; dates in it are read in the "
                    "blog's zone, else as Europe/Paris local time"
                )
        return None

    def _date(self, value: str, tz: str, blog_id: str, line: int) -> tuple[datetime | None, str]:
        raw = value.strip()
        if not raw:
            return None, ""
        parsed = parse_sql_datetime(raw)
        if parsed is None and not raw.startswith("0000-00-00"):
            try:  # PostgreSQL may print fractions of a second
                parsed = datetime.fromisoformat(raw)
            except ValueError:
                self.out.warnings.append(f"line {line}: unreadable date {raw!r}; left empty")
                return None, ""
        if parsed is None:
            return None, ""
        zone = self._zone(tz, blog_id, line)
        if parsed.tzinfo is None and zone is not None:
            # Wall-clock time in that zone; in the hour repeated in autumn, the first. Kept
            # as a fixed offset: a zoneinfo time in that hour never equals any other zone's
            # time (PEP 495), so a re-import would see every such date as changed.
            parsed = parsed.replace(tzinfo=zone)
            parsed = parsed.replace(tzinfo=timezone(parsed.utcoffset() or timedelta(0)))
        return parsed, raw

    # --- posts

    def _author(self, user_id: str) -> str:
        """dcUtils::getUserCN: the display name, else first name and name, else the id."""
        user = self.users.get(user_id)
        if user is None:
            return user_id
        if user.get("user_displayname"):
            return user.get("user_displayname")
        full = f"{user.get('user_firstname')} {user.get('user_name')}".strip()
        return full or user_id

    def _article(self, row: Row, post_type: str) -> ParsedArticle:
        blog_id = row.get("blog_id")
        blog = self.blogs.get(blog_id)
        # Without its [blog] row the blog is unnamed: a Dotclear id ("default") is the same
        # on every installation, so it names no blog (import_dump --blog names it).
        blog_name = blog.get("blog_name") if blog else ""
        blog_url = blog.get("blog_url").strip() if blog else ""
        # The public URL: blog URL + the type's base + post_url (rsExtPost::getURL), for the
        # two types whose base is known; a blog may have renamed them (myUrlHandlers).
        url = ""
        post_url = row.get("post_url").strip()
        if blog_url and post_url and post_type in ARTICLE_TYPES:
            url = blog_url + ARTICLE_TYPES[post_type] + quote(post_url, safe="/:?&=#")
        published, date_raw = self._date(row.get("post_dt"), row.get("post_tz"), blog_id, row.line)
        # What the post page shows: the excerpt ("chapô"), then the content, both as
        # rendered HTML; the source text (wiki, markdown) only when no HTML was kept.
        content = row.get("post_content_xhtml")
        if not content and row.get("post_format") in ("", "xhtml"):
            content = row.get("post_content")
        body_html = "\n".join(p for p in (row.get("post_excerpt_xhtml"), content) if p)
        code = row.get("post_status").strip()
        status = POST_STATUSES.get(code)
        if status is None:
            status = "draft"
            self.out.warnings.append(
                f"line {row.line}: post {row.get('post_id')} has status {code!r}, read as a draft"
            )
        flags: list[str] = []
        if row.get("post_password"):
            flags.append("password-protected")
            if status == "publish":
                status = "private"  # readers needed the password: not a public page
        return ParsedArticle(
            title=row.get("post_title").strip(),
            body=html_to_text(body_html),
            body_html=body_html,
            author=self._author(row.get("user_id")),
            published_at=published,
            date_precision=EXACT if published else UNKNOWN,
            date_raw=date_raw,
            url=url,
            blog_name=blog_name,
            blog_url=blog_url,
            source_id=row.get("post_id") or None,
            status=status,
            kind=post_type,
            flags=flags,
        )

    # --- comments

    def _comment(self, row: Row, blog_id: str) -> ParsedComment:
        # Never read: comment_email, comment_ip, comment_spam_filter.
        cid = row.get("comment_id")
        trackback = row.get("comment_trackback").strip() == "1"
        author = row.get("comment_author")
        if trackback:
            # dcTrackback stores the sending blog's name HTML-escaped (html::escapeHTML).
            author = unescape_entities(author)
        code = row.get("comment_status").strip()
        status = COMMENT_STATUSES.get(code)
        if status is None:
            status = "pending"
            self.out.warnings.append(
                f"line {row.line}: comment {cid} has status {code!r}, read as pending"
            )
        posted, date_raw = self._date(
            row.get("comment_dt"), row.get("comment_tz"), blog_id, row.line
        )
        content = row.get("comment_content")
        return ParsedComment(
            author=author.strip(),
            body=html_to_text(content),
            body_html=content,
            posted_at=posted,
            date_raw=date_raw,
            kind=TRACKBACK if trackback else COMMENT,
            parent=None,  # Dotclear comments are flat
            source_id=cid or None,
            line=row.line,
            author_url=row.get("comment_site").strip(),
            status=status,
        )
