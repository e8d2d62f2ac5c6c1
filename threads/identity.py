"""Identity of pages and blogs across sources: when two sources name the same page.

Pure functions, no ORM. A page is its full URL normalized (scheme, ``www.``, default port,
trailing slash, fragment and tracking parameters ignored; host, path and the rest of the
query kept). A URL without a host names no page: its key is "" and matches nothing."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

# Query parameters that say how a reader arrived, not which page it is.
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "xtor", "_ga", "igshid"}
    | {"at_medium", "at_campaign"}
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
# A source key longer than this is stored as its digest (an index entry has a size limit).
MAX_KEY_LENGTH = 500


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def page_key(url: str | None) -> str:
    """'https://www.Example.org/a/b/?utm_source=x&p=2#c3' -> 'example.org/a/b?p=2';
    '' for anything without a host ('/about/', 'javascript:…', '')."""
    if not url:
        return ""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal
        return ""
    if not host or parts.scheme.lower() not in {"http", "https", ""}:
        return ""
    if not parts.scheme and not url.strip().startswith("//"):
        return ""
    if host.startswith("www."):
        host = host[4:]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = unquote(parts.path, errors="replace").rstrip("/")
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    key = host + path
    if query:
        key += "?" + urlencode(sorted(query))
    return key


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest() if key else ""


def bounded(prefix: str, key: str) -> str:
    """A stored identity: the key itself, or its digest when it is too long to index."""
    if len(key) <= MAX_KEY_LENGTH:
        return f"{prefix}:{key}"
    return f"{prefix}-sha256:{digest(key)}"


def blog_key(name: str, url: str | None) -> str:
    """A blog is its address when a source gives one, else its name (casefolded)."""
    key = page_key(url)
    if key:
        return bounded("url", key)
    return bounded("name", " ".join(name.split()).casefold())
