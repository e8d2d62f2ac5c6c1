"""lxml plumbing for importers.html_page: loading a saved page, the Web-archive (Wayback
Machine) clean-up, what markup may reach body_html, and small tree helpers.

Never regular expressions over markup: the page is parsed by lxml's HTML parser (libxml2,
which fetches nothing and expands no external entity) and walked as a tree."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from importers.parsed import ParseError
from importers.xmlsafe import decode_as, sniff_encoding

Element = lxml.html.HtmlElement
Stop = Callable[[Element], bool]

# Elements whose content is never shown as text, or that run, load or submit something.
DROPPED_TAGS = (
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
    "embed", "applet", "base", "link", "meta", "form", "input", "button", "textarea",
    "select", "svg", "math",
)  # fmt: skip
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "background", "cite")
SAFE_SCHEMES = {"http", "https", "mailto", ""}

# https://web.archive.org/web/20100601120000im_/http://blog.example/a.png, and the
# same path without the host (/web/...) inside an archived page.
_WAYBACK_URL = re.compile(
    r"^(?:(?:https?:)?//(?:web\.)?archive\.org)?/web/(?P<stamp>\d{1,14})(?:[a-z]{2}_)?/"
    r"(?P<url>.+)$",
    re.IGNORECASE,
)
# The toolbar's own elements, in older and newer captures.
_WAYBACK_IDS = {"wm-ipp", "wm-ipp-base", "wm-ipp-print", "wm-ipp-inside", "donato", "wm-bipp"}
_WAYBACK_ELEMENT = etree.XPath(
    "//*[" + " or ".join(f"@id = '{i}'" for i in sorted(_WAYBACK_IDS)) + "]"
)
_WOMBAT_CALL = re.compile(r"""__wm\.wombat\(\s*["'](?P<url>[^"']+)["']\s*,\s*["'](?P<stamp>\d+)""")


def load(text: str) -> Element:
    """The page as an lxml tree; ParseError for what libxml2 cannot read at all."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_pis=True, no_network=True)
    try:
        # Bytes, so that an XML or meta charset declaration cannot contradict the text.
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise ParseError(f"unreadable HTML ({error}); expected a saved web page") from None
    if not isinstance(root, Element):
        raise ParseError("unreadable HTML; expected a saved web page")
    for entry in parser.error_log:
        # libxml2 stops building the tree past 256 nested elements: what lies deeper
        # would be lost without a word.
        if entry.type_name == "ERR_RESOURCE_LIMIT":
            raise ParseError(
                f"the page nests elements too deeply to be read whole ({entry.message.strip()});"
                " expected a saved blog page",
                entry.line or None,
            )
    return root


# WHATWG: browsers read pages labelled Latin-1 as windows-1252 (curly quotes in 0x80-0x9F).
_ENCODING_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                     "us-ascii": "cp1252", "ascii": "cp1252"}  # fmt: skip


def _meta_charset(data: bytes) -> str:
    """The charset a page's <meta> declares, read from its parsed head."""
    parser = lxml.html.HTMLParser(encoding="iso-8859-1", no_network=True)
    try:
        root = lxml.html.document_fromstring(data[:65536], parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    for meta in root.iter("meta"):
        if meta.get("charset"):
            return meta.get("charset").strip()
        if (meta.get("http-equiv") or "").lower() == "content-type":
            _, _, charset = (meta.get("content") or "").lower().partition("charset=")
            if charset.strip(" '\";"):
                return charset.strip(" '\";")
    return ""


def decode_page(data: bytes) -> str:
    """A page's bytes as text, in the encoding it declares (else UTF-8); bytes that do
    not decode are a ParseError saying where."""
    encoding, skip = sniff_encoding(data)
    if not skip and not data.lstrip().startswith(b"<?xml"):
        encoding = _meta_charset(data) or "utf-8"
    encoding = _ENCODING_ALIASES.get(encoding.lower(), encoding)
    return decode_as(data, encoding, skip, " by the page")


def classes(el: Element) -> set[str]:
    return set((el.get("class") or "").split())


def text_of(el: Element | None) -> str:
    """The text a reader sees in `el`, whitespace folded."""
    if el is None:
        return ""
    return " ".join(el.text_content().replace("\xa0", " ").split())


def own(el: Element, stop: Stop) -> Iterator[Element]:
    """The descendants of `el` in document order, without entering (nor yielding) those
    for which `stop` is true: a comment's own markup, not its replies'."""
    stack = list(reversed(el))
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str) or stop(node):
            continue
        yield node
        stack.extend(reversed(node))


def first_level(el: Element, wanted: Stop) -> list[Element]:
    """The outermost descendants of `el` for which `wanted` is true."""
    found: list[Element] = []
    stack = list(reversed(el))
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str):
            continue
        if wanted(node):
            found.append(node)
        else:
            stack.extend(reversed(node))
    return found


def inner_html(el: Element | None) -> str:
    """The markup inside `el` (its text and children), as written after the clean-up."""
    if el is None:
        return ""
    parts = [html.escape(el.text or "", quote=False)]
    parts += [lxml.html.tostring(child, encoding=str) for child in el]
    return "".join(parts).strip()


def outer_html(elements: list[Element]) -> str:
    return "".join(lxml.html.tostring(e, encoding=str, with_tail=False) for e in elements).strip()


# --------------------------------------------------------------------------- Wayback


def unwayback(url: str) -> str:
    """The original address behind a Wayback Machine address; other URLs unchanged.
    One layer only: an archived page's link to a capture stays a link to that capture."""
    url = url.strip()
    match = _WAYBACK_URL.match(url)
    if not match:
        return url
    # The archive collapses "http://" to "http:/" in some rewritten paths.
    return re.sub(r"^(https?):/+", r"\1://", match["url"], flags=re.IGNORECASE)


def is_wayback_url(url: str | None) -> bool:
    return bool(_WAYBACK_URL.match((url or "").strip()))


def is_archived(root: Element) -> bool:
    if any(
        isinstance(c.text, str) and "WAYBACK TOOLBAR INSERT" in c.text
        for c in root.iter(etree.Comment)
    ):
        return True
    if _WAYBACK_ELEMENT(root):
        return True
    return any("__wm." in (s.text or "") for s in root.iter("script"))


def wayback_capture(root: Element) -> tuple[str, str]:
    """(original URL, capture stamp) as the archive's own markup says them, or ("", "")."""
    for script in root.iter("script"):
        match = _WOMBAT_CALL.search(script.text or "")
        if match:
            return match["url"], match["stamp"]
    for el in root.iter():
        if el.get("id") == "wm-ipp-print":
            for word in text_of(el).split():
                match = _WAYBACK_URL.match(word)
                if match:
                    return unwayback(word), match["stamp"]
    return "", ""


def strip_wayback(root: Element) -> None:
    """Remove the toolbar: everything between the BEGIN/END WAYBACK TOOLBAR INSERT
    comments, and the toolbar's elements wherever they are."""
    for comment in list(root.iter(etree.Comment)):
        if "BEGIN WAYBACK TOOLBAR INSERT" not in (comment.text or ""):
            continue
        node = comment.getnext()
        while node is not None:
            after = node.getnext()
            is_end = not isinstance(node.tag, str) and "END WAYBACK TOOLBAR INSERT" in (
                node.text or ""
            )
            drop(node)
            if is_end:
                break
            node = after
        drop(comment)
    for el in _WAYBACK_ELEMENT(root):
        drop(el)


def drop(el) -> None:
    """Remove `el` and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    previous = el.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


# --------------------------------------------------------------------------- safety


def safe_url(value: str | None, base: str = "", archived: bool = False) -> str:
    """An http(s) address made absolute against `base` (un-rewritten when the page is an
    archived capture); "" for anything else (javascript:, data:, a relative link without
    a base)."""
    url = unwayback(value or "") if archived else (value or "").strip()
    if not url or any(ord(c) < 32 for c in url):
        return ""
    if url.startswith("//"):
        url = (urlsplit(base).scheme or "https") + ":" + url
    elif base and not urlsplit(url).scheme:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def _scheme(url: str) -> str:
    # Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
    squashed = "".join(c for c in url if c > " ")
    head = squashed.split(":", 1)[0] if ":" in squashed else ""
    if "/" in head or "?" in head or "#" in head:
        return ""
    return head.lower()


def defuse(root: Element, archived: bool) -> None:
    """What strangers wrote must not run: drop scripts, styles, frames, forms and the like,
    every on* handler and style attribute, and any URL whose scheme is not http(s) or
    mailto; un-rewrite the Wayback URLs of an `archived` page (another page's links to
    captures stay).
    HTML comments go too (they hold nothing a reader sees)."""
    etree.strip_elements(root, etree.Comment, with_tail=False)
    for el in [e for e in root.iter(*DROPPED_TAGS) if e.getparent() is not None]:
        drop(el)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name in list(el.attrib):
            lowered = name.lower()
            if lowered.startswith("on") or lowered in ("srcdoc", "formaction", "style"):
                del el.attrib[name]
            elif lowered in URL_ATTRIBUTES or lowered == "srcset":
                original = el.attrib[name]
                value = unwayback(original) if archived else original
                if _scheme(value) not in SAFE_SCHEMES:
                    del el.attrib[name]
                elif value != original:
                    el.attrib[name] = value
