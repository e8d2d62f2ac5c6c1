"""The lossless cmforum-json archive, read back into parsed data (docs/archive-format.md).

Pure: the document is checked against docs/archive.schema.json (types, ranges, enums,
dates) and for the duplicates a schema cannot express, before it is mapped to the same
dataclasses as every other format. A bad archive is refused whole, with one line per
problem naming its JSON path, so nothing is written from it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from importers.parsed import ParsedArticle, ParsedComment, ParsedDump, ParseError
from people.names import is_bare, spelling_key

NAME = "cmforum-json"
VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "archive.schema.json"
# A thoroughly broken file would otherwise print one line per comment.
MAX_PROBLEMS = 50


class ArchiveInvalid(ParseError):
    """Every problem found in one archive, each a line: `JSON path: what was expected`."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"… and {len(problems) - MAX_PROBLEMS} more problems")
        super().__init__("; ".join(shown))
        self.problems = shown


def detect(text: str) -> bool:
    head = text.lstrip()[:400]
    return head.startswith("{") and '"cmforum-json"' in head


# --- validation ----------------------------------------------------------------------------

formats = FormatChecker(formats=())


def date_time_ok(value: object) -> bool:
    """What the loader will read: datetime.fromisoformat, with an offset, and a moment that
    can be stored in UTC (year 1 at +01:00 cannot)."""
    if not isinstance(value, str):
        return True
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            return False
        moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return False
    return True


formats.checks("date-time")(date_time_ok)


def _schema(part: str | None) -> dict:
    """The whole schema, or the schema of one of its $defs (with every $def, so that its
    references resolve)."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    if part is None:
        return schema
    return {k: schema[k] for k in ("$schema", "$id", "$defs")} | {"$ref": f"#/$defs/{part}"}


@cache
def validator(part: str | None = None) -> Draft202012Validator:
    schema = _schema(part)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=formats)


def _path(parts: Iterable) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the document"


def _shown(value: object) -> str:
    """A value as the message quotes it: its JSON type, and its start."""
    kind = {
        bool: "a boolean", int: "an integer", float: "a number", str: "a string",
        list: "a list", dict: "an object", type(None): "null",
    }.get(type(value), type(value).__name__)  # fmt: skip
    if isinstance(value, list | dict):
        return kind
    text = json.dumps(value, ensure_ascii=False)
    return f"{kind} {text if len(text) <= 40 else text[:39] + '…'}"


TYPE_NAMES = {
    "string": "a string", "integer": "an integer", "number": "a number", "null": "null",
    "object": "an object", "array": "a list", "boolean": "true or false",
}  # fmt: skip


def _expected(error: ValidationError) -> str:
    """What the schema wanted, in words."""
    kind, wanted = error.validator, error.validator_value
    if kind == "type":
        names = [wanted] if isinstance(wanted, str) else wanted
        return "expected " + " or ".join(TYPE_NAMES.get(n, n) for n in names)
    if kind == "required":
        missing = [
            k for k in wanted if isinstance(error.instance, dict) and k not in error.instance
        ]
        return "missing key " + ", ".join(f'"{k}"' for k in missing)
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return "unknown key " + ", ".join(f'"{k}"' for k in extra[:5])
    if kind in ("enum", "const"):
        values = wanted if kind == "enum" else [wanted]
        return "expected one of " + ", ".join(json.dumps(v, ensure_ascii=False) for v in values)
    if kind == "minimum":
        return f"expected a number of at least {wanted}"
    if kind == "maximum":
        return f"expected a number of at most {wanted:,}".replace(",", " ")
    if kind == "maxLength":
        return f"expected at most {wanted} characters, got {len(error.instance)}"
    if kind == "minLength":
        return f"expected at least {wanted} character(s)"
    if kind in ("pattern", "format"):
        if error.schema.get("format") == "date-time":
            return "expected an ISO 8601 date and time with its UTC offset, or null"
        return f"expected text matching {error.schema.get('pattern', wanted)}"
    if kind == "uniqueItems":
        return "expected no repeated entries"
    return error.message


@cache
def fast_validator(part: str | None = None):
    """The same schema compiled to Python by fastjsonschema: about 35 times faster than
    jsonschema on a valid archive, but it stops at the first problem. It only decides;
    a document it refuses is checked again by jsonschema, which names every problem.
    (The schema uses nothing of draft 2020-12 that draft 7 reads differently: $defs are
    reached by JSON pointer; tests/importers/test_archive_validation.py checks that both
    decide alike.)"""
    return fastjsonschema.compile(_schema(part), formats={"date-time": date_time_ok})


def is_schema_valid(doc: object, part: str | None = None) -> bool:
    try:
        fast_validator(part)(doc)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def schema_problems(doc: object, part: str | None = None, at: tuple = ()) -> list[str]:
    """One line per wrong value: the first problem found at each JSON path. ``part`` checks
    a value against one of the schema's $defs, found at path ``at`` of the document."""
    if is_schema_valid(doc, part):
        return []
    seen: dict[tuple, str] = {}
    errors = sorted(validator(part).iter_errors(doc), key=lambda e: [str(p) for p in e.path])
    # "type" says the most about a wrong value: report it before any enum or range.
    for error in sorted(errors, key=lambda e: e.validator != "type"):
        key = at + tuple(error.absolute_path)
        if key in seen:
            continue
        shown = (
            ""
            if error.validator in ("required", "additionalProperties")
            else (f", got {_shown(error.instance)}")
        )
        if error.validator in ("maxLength",):
            shown = ""
        seen[key] = f"{_path(key)}: {_expected(error)}{shown}"
    return [seen[k] for k in sorted(seen, key=lambda k: [(isinstance(p, int), p) for p in k])]


def _duplicates(items: Iterable[tuple[str, object]], what: str) -> list[str]:
    """`items` are (JSON path, value) pairs; a value seen before is one problem."""
    first: dict[object, str] = {}
    problems = []
    for where, value in items:
        if value in first:
            shown = json.dumps(value, ensure_ascii=False)[:60]
            problems.append(f"{where}: expected {what}; {shown} is already at {first[value]}")
        else:
            first[value] = where
    return problems


def identity_problems(doc: dict) -> list[str]:
    """What a schema cannot say: participants must be distinct people (slugs, and names
    or spellings that identify someone on every blog), comments distinct within their
    article, parents and addressees comments of the same article, no reply cycle, and
    authors among the participants listed. Run on a document that passed the schema."""
    participants = doc["participants"]
    problems = participant_problems(participants)
    slugs = {p["slug"] for p in participants}
    problems += _duplicates(
        ((f"articles[{n}].slug", a["slug"]) for n, a in enumerate(doc["articles"]) if a["slug"]),
        "a unique slug",
    )
    for n, article in enumerate(doc["articles"]):
        problems += article_problems(n, article, slugs)
    return problems


def participant_problems(participants: list[dict]) -> list[str]:
    problems = _duplicates(
        ((f"participants[{n}].slug", p["slug"]) for n, p in enumerate(participants)),
        "a unique slug",
    )
    # A bare name (one word) is one person per blog, so two participants may share it; a
    # name of two words or more identifies someone on every blog: it may appear once.
    problems += _duplicates(
        (
            (f"participants[{n}].name", key)
            for n, p in enumerate(participants)
            if (key := spelling_key(p["name"])) and not is_bare(key)
        ),
        "a name no other participant has",
    )
    problems += _duplicates(
        (
            (f"participants[{n}].aliases[{i}]", alias)
            for n, p in enumerate(participants)
            for i, alias in enumerate(p.get("aliases", []))
            if (key := spelling_key(alias)) and not is_bare(key)
        ),
        "a spelling no other participant has",
    )
    return problems


def article_problems(n: int, article: dict, slugs: set[str]) -> list[str]:
    """The problems of ``articles[n]`` that its own content shows (``slugs``: the
    participants listed)."""
    problems: list[str] = []
    where = f"articles[{n}]"
    if article.get("author_slug") and article["author_slug"] not in slugs:
        problems.append(f"{where}.author_slug: expected the slug of a participant listed")
    comments = article["comments"]
    problems += _duplicates(
        ((f"{where}.comments[{i}].id", c["id"]) for i, c in enumerate(comments)),
        "an id unique within the article",
    )
    ids = {c["id"] for c in comments}
    parent_of = {c["id"]: c.get("parent") for c in comments}
    for i, comment in enumerate(comments):
        at = f"{where}.comments[{i}]"
        if comment.get("author_slug") and comment["author_slug"] not in slugs:
            problems.append(f"{at}.author_slug: expected the slug of a participant listed")
        parent = comment.get("parent")
        if parent is not None and parent not in ids:
            problems.append(f"{at}.parent: expected the id of a comment of this article")
        elif parent is not None and _in_cycle(comment["id"], parent_of):
            problems.append(
                f"{at}.parent: expected a chain of parents ending at a top-level comment, "
                "not a cycle"
            )
        for j, target in enumerate(comment.get("addresses", [])):
            if target not in ids:
                problems.append(
                    f"{at}.addresses[{j}]: expected the id of a comment of this article"
                )
    return problems


def _in_cycle(start: int, parent_of: dict) -> bool:
    seen = {start}
    node = parent_of.get(start)
    while node is not None:
        if node in seen:
            return True
        seen.add(node)
        node = parent_of.get(node)
    return False


def problems(doc: object) -> list[str]:
    """Everything wrong with a parsed JSON document, one line each; [] when it is valid."""
    found = schema_problems(doc)
    if found:
        return found
    return identity_problems(doc)  # type: ignore[arg-type]


# --- mapping -------------------------------------------------------------------------------


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def parse(text: str) -> ParsedDump:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise ParseError("not valid JSON: nested too deeply") from None
    if not isinstance(doc, dict) or doc.get("format") != NAME:
        raise ParseError(f'expected a JSON object with "format": "{NAME}"')
    if doc.get("version") != VERSION:
        raise ParseError(f"expected archive version {VERSION}, got {doc.get('version')!r}")
    found = problems(doc)
    if found:
        raise ArchiveInvalid(found)
    return ParsedDump(
        format=NAME,
        articles=[parsed_article(a) for a in doc["articles"]],
        participants=doc["participants"],
        history=doc.get("history", []),
        merge_candidates=doc.get("merge_candidates", []),
    )


def parsed_article(data: dict) -> ParsedArticle:
    """One archived article (checked) as parsed data."""
    blog = data["blog"]
    source = data.get("source") or {}
    comments_data = data["comments"]
    index_by_id = {c["id"]: i for i, c in enumerate(comments_data)}
    return ParsedArticle(
        title=data["title"],
        body=data.get("body", ""),
        body_html=data.get("body_html", ""),
        author=data.get("author") or "",
        author_slug=data.get("author_slug") or "",
        published_at=_date(data.get("published_at")),
        date_precision=data.get("date_precision", "unknown"),
        url=data.get("url", ""),
        blog_name=blog["name"],
        blog_url=blog.get("url") or "",
        blog_key=blog.get("key") or "",
        source_format=data.get("origin") or source.get("format") or "",
        source_id=data.get("source_id"),
        status=data.get("status", "publish"),
        kind=data.get("kind", "post"),
        announced_comments=data.get("announced_comments"),
        flags=data.get("flags", []),
        slug=data["slug"],
        position={
            "value": data.get("position", "unknown"),
            "curated_at": data.get("position_curated_at"),
            "curated_via": data.get("position_curated_via", ""),
            "curated_by": data.get("position_curated_by"),
            "cue": data.get("position_cue", ""),
        },
        origin=source or None,
        comments=[_comment(c, index_by_id) for c in comments_data],
    )


def _comment(data: dict, index_by_id: dict) -> ParsedComment:
    parent_id = data.get("parent")
    auto = data.get("auto") or {}
    return ParsedComment(
        source_format=data.get("origin") or "",
        author_url=data.get("author_url") or "",
        author=data.get("author_as_written", ""),
        author_slug=data.get("author_slug") or "",
        body=data["body"],
        body_html=data.get("body_html", ""),
        posted_at=_date(data.get("posted_at")),
        date_raw=data.get("date_raw", ""),
        kind=data.get("kind", "comment"),
        parent=index_by_id[parent_id] if parent_id is not None else None,
        source_id=data.get("source_id"),
        status=data.get("status", "approved"),
        flags=data.get("flags", []),
        addresses=[index_by_id[t] for t in data.get("addresses", [])],
        stance={
            "stance": data.get("stance", "unknown"),
            "stance_source": data.get("stance_source", ""),
            "stance_cue": data.get("stance_cue", ""),
            "stance_curated_at": data.get("stance_curated_at"),
            "stance_curated_via": data.get("stance_curated_via", ""),
            "stance_curated_by": data.get("stance_curated_by"),
            "auto_stance": auto.get("stance", ""),
            "auto_confidence": auto.get("confidence"),
            "auto_cues": auto.get("cues", []),
        },
    )
