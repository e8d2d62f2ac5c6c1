"""Addressee inference: which earlier comments a comment answers when it opens by naming
their authors ("@Eric : …", "@ Lily :", "Benoît :") or by quoting them. Pure function.

The link goes to the latest earlier comment by that participant in the same article. It is
only ever a link: the tree stays exactly the source's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from people.names import normalize_key

# "@Name : text", "@ Name, text", "@Name text" (a single word after @, tweet style).
_AT_NAME = re.compile(r"^@\s*(?P<name>[^:,;!?\n]{1,40}?)\s*[:,;]|^@(?P<word>[\w.\-]{2,30})\b")
# "Name : text" with a capitalised name of at most four words.
_NAME_COLON = re.compile(r"^(?P<name>[A-ZÀ-Ý][\w.'’\-]*(?: [\w.'’\-]+){0,3}?)\s*:\s")
_QUOTE = re.compile(r"^[«“\"]\s*(?P<text>[^»”\"]{15,300}?)\s*[»”\"]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Author:
    name: str
    handle: str = ""


def _author_keys(author: Author) -> set[str]:
    keys = {normalize_key(author.name)} if author.name else set()
    if author.handle:
        keys.add(normalize_key(author.handle))
    return keys


def infer_addressees(authors: list[Author], bodies: list[str]) -> list[list[tuple[int, str]]]:
    """For each comment, the (index, cue) pairs of the earlier comments it addresses.
    One pass in source order with indexes of who spoke last, so it stays linear."""
    result: list[list[tuple[int, str]]] = []
    keys = [_author_keys(a) for a in authors]
    flat_bodies = [_SPACES.sub(" ", b) for b in bodies]
    index = _SpeakerIndex()
    for i, body in enumerate(bodies):
        found: dict[int, str] = {}
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        # The opening line, and any later line that starts with "@" (replies to several).
        candidates = lines[:1] + [line for line in lines[1:] if line.startswith("@")]
        for line in candidates:
            target = _addressed_by_name(line, keys[i], index)
            if target is not None and target[0] not in found:
                found[target[0]] = target[1]
        if lines:
            quote = _QUOTE.match(lines[0])
            if quote:
                quoted = _SPACES.sub(" ", quote["text"])
                for j in range(i - 1, -1, -1):
                    if quoted in flat_bodies[j] and not (keys[j] & keys[i]):
                        found.setdefault(j, "« " + quoted[:60] + " »")
                        break
        result.append(sorted(found.items()))
        index.add(i, keys[i])
    return result


class _SpeakerIndex:
    """Who spoke last, by name key and by first name, among the comments seen so far."""

    def __init__(self) -> None:
        self.latest: dict[str, int] = {}
        # first name -> {a speaker's keys -> their latest comment}
        self.by_first: dict[str, dict[frozenset[str], int]] = {}

    def add(self, i: int, keys: set[str]) -> None:
        for key in keys:
            self.latest[key] = i
            self.by_first.setdefault(key.split(" ")[0], {})[frozenset(keys)] = i

    def by_key(self, key: str, own: set[str]) -> int | None:
        return None if key in own else self.latest.get(key)

    def by_first_name(self, key: str, own: set[str]) -> int | None:
        """ "@Aurélien" for "Aurélien Gaucherand": only when one earlier participant fits."""
        if " " in key:
            return None
        speakers = {k: j for k, j in self.by_first.get(key, {}).items() if not (k & own)}
        return next(iter(speakers.values())) if len(speakers) == 1 else None


def _addressed_by_name(line: str, own: set[str], index: _SpeakerIndex) -> tuple[int, str] | None:
    match = _AT_NAME.match(line)
    name = (match["name"] or match["word"]) if match else None
    must_be_known = False
    if name is None:
        match = _NAME_COLON.match(line)
        if not match:
            return None
        name, must_be_known = match["name"], True
    key = normalize_key(name)
    if not key:
        return None
    target = index.by_key(key, own)
    if target is None and not must_be_known:
        target = index.by_first_name(key, own)
    if target is None:
        return None
    return target, match.group(0).strip()
