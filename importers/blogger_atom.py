"""Reading Blogger's Atom entries: namespaces and the small readers both layouts share
(importers.blogger reads posts, importers.blogger_comments the comments)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from importers.xmlsafe import html_to_text, unescape_entities

ATOM = "{http://www.w3.org/2005/Atom}"
B2018 = "{http://schemas.google.com/blogger/2018}"
THR = "{http://purl.org/syndication/thread/1.0}"
GD = "{http://schemas.google.com/g/2005}"
# The classic export writes the 2005 Atom Publishing Protocol namespace; accept the final one.
APP_NAMESPACES = ("{http://purl.org/atom/app#}", "{http://www.w3.org/2007/app}")
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_BASE = "http://schemas.google.com/blogger/2008/kind#"
BLOGGER_NS_PREFIX = "http://schemas.google.com/blogger/"
BLOGGER_ID_PREFIX = "tag:blogger.com,1999:blog-"

_BR_RUN = re.compile(r"(?:<br\s*/?>\s*){2,}", re.IGNORECASE)


def child_text(elem: ET.Element | None, tag: str) -> str:
    child = elem.find(tag) if elem is not None else None
    return (child.text or "") if child is not None else ""


def unescape_name(text: str) -> str:
    # Names and titles are sometimes written HTML-escaped inside the XML ("Fran&amp;#231;ois"):
    # after XML decoding that is still an entity, meant as the letter.
    return unescape_entities(text)


def text_construct(elem: ET.Element | None) -> str:
    """An Atom text construct as one line: type="html" is markup, "text" (the default) is not."""
    if elem is None:
        return ""
    if elem.get("type") == "html":
        return html_to_text(elem.text or "").replace("\n", " ")
    return " ".join(unescape_name("".join(elem.itertext())).split())


def entry_content(entry: ET.Element) -> tuple[str, str]:
    """(plain text, original HTML) of an entry's <content>."""
    elem = entry.find(ATOM + "content")
    if elem is None:
        return "", ""
    kind = elem.get("type", "text")
    if kind == "html":
        raw = elem.text or ""
        # Blogger writes a comment's paragraphs as "<br /><br />": a paragraph break.
        return html_to_text(_BR_RUN.sub("<p>", raw)), raw
    # Plain text stays text: it is never read as markup. XHTML: its words only.
    return "\n".join(line.strip() for line in "".join(elem.itertext()).strip().splitlines()), ""


def link_href(entry: ET.Element, rel: str) -> str:
    for link in entry.findall(ATOM + "link"):
        if link.get("rel", "alternate") == rel and link.get("href"):
            return link.get("href", "").strip()
    return ""


def entry_date(entry: ET.Element, layout_2018: bool) -> tuple[datetime | None, str]:
    """<published> as given (Blogger always writes an offset); a 2018 draft without one
    has its <blogger:created>."""
    raw = child_text(entry, ATOM + "published").strip()
    if not raw and layout_2018:
        raw = child_text(entry, B2018 + "created").strip()
    if not raw:
        return None, ""
    try:
        return datetime.fromisoformat(raw), raw
    except ValueError:
        return None, raw


def numeric_id(entry_id: str) -> str:
    """'tag:blogger.com,1999:blog-12.post-345' -> '345' (the id Blogger's URLs use)."""
    match = re.search(r"\.(?:post|page|comment)-(\d+)$", entry_id)
    return match[1] if match else entry_id


@dataclass
class Entry:
    elem: ET.Element
    kind: str  # post | page | comment | template | settings | ... | NO_KIND
    entry_id: str
    line: int | None
    layout_2018: bool
