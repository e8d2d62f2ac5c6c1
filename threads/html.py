"""Source HTML (WXR, Disqus bodies) made safe to show: nh3 keeps ordinary markup and links,
drops scripts, styles and event handlers, and marks links as user content."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "i", "ins", "li",
    "ol", "p", "pre", "q", "s", "strike", "strong", "sub", "sup", "u", "ul",
}  # fmt: skip


def sanitize(html: str) -> str:
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}, "q": {"cite"}},
        url_schemes={"http", "https"},  # no mailto: addresses are never shown
        link_rel="nofollow ugc",
    )
