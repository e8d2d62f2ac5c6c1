"""What "inert" means for a page built from hostile content, checked on the parsed
document (html5lib, the HTML parsing algorithm browsers use), not on the source text."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

import html5lib

# Attributes whose value a browser follows or loads as a URL.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background",
                  "cite", "codebase", "manifest", "ping", "srcset", "xlink:href"}  # fmt: skip
# Elements that run, embed or redirect: never acceptable from content.
FORBIDDEN = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style",
             "template", "portal"}  # fmt: skip
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# What a browser ignores in a URL before reading its scheme: tabs and newlines anywhere,
# C0 controls and spaces around it.
_IGNORED = re.compile(r"[\t\n\r]")


def local(name: str) -> str:
    """A tag or attribute name without its namespace ({http://www.w3.org/2000/svg}a -> a)."""
    if name.startswith("{"):
        namespace, _, name = name[1:].partition("}")
        if namespace.endswith("/xlink"):
            return f"xlink:{name}"
    return name


def url_problem(value: str) -> str | None:
    """Why a URL attribute value could run code or leave the http(s) web, or None. Paths
    and fragments of the site itself are fine; absolute URLs must be http(s)."""
    url = _IGNORED.sub("", value).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e"
        "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
        "\x1b\x1c\x1d\x1e\x1f "
    )
    if url.startswith("//") or url.startswith("\\\\") or url.startswith("/\\"):
        return "scheme-relative URL"
    match = _SCHEME.match(url)
    if match and match.group(1).lower() not in ("http", "https"):
        return f"{match.group(1)}: URL"
    return None


def parse(html: str) -> Element:
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def problems(root: Element, allowed_scripts: tuple[str, ...] = ("/static/",)) -> list[str]:
    """Everything in a parsed document that could run code: script elements other than
    the site's own files, embedding elements, event handler and style attributes, meta
    refreshes, and URL attributes that are not http(s) or relative."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        tag = local(element.tag)
        attributes = {local(k): v for k, v in element.attrib.items()}
        if tag == "script":
            src = attributes.get("src", "")
            if not src.startswith(allowed_scripts) or (element.text or "").strip():
                found.append(f"<script> {src or (element.text or '')[:60]!r}")
        elif tag in FORBIDDEN:
            found.append(f"<{tag}>")
        elif tag == "meta" and "http-equiv" in attributes:
            found.append(f"<meta http-equiv={attributes['http-equiv']!r}>")
        for name, value in attributes.items():
            if name.lower().startswith("on"):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            elif name.lower() in ("style", "srcdoc"):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            elif name.lower() in URL_ATTRIBUTES:
                problem = url_problem(value)
                if problem:
                    found.append(f"<{tag} {name}={value[:60]!r}>: {problem}")
    return found


def text_of(root: Element) -> str:
    return " ".join(t for t in root.itertext())
