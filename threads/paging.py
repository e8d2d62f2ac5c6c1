"""Pagination that does not grow with the archive.

Shallow pages keep their numbers (``?page=3``, an OFFSET of a few hundred rows). Past
``NUMBERED`` pages, "Suivante" links carry a keyset cursor instead (``?cursor=…``, the
sort key of the last row shown, signed by nothing: it is only a position, every filter
still applies), so the database seeks in an index instead of sorting and skipping
everything before. Old ``?page=N`` links keep working. No page counts the whole result:
a list knows it has a next page by fetching one row more than it shows.

Plain links, so it all works without JavaScript."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import BadRequest
from django.db.models import F, Q, QuerySet
from django.http import Http404

NUMBERED = 20  # pages reached by number; deeper ones by cursor
MAX_CURSOR = 2000  # characters: a longer cursor is not one of ours


@dataclass(frozen=True)
class Key:
    """One column of a sort: ORM path, direction, and the type its cursor value has.
    Nullable columns sort their NULLs last in both directions."""

    field: str
    desc: bool = False
    nullable: bool = False
    type: type = int

    def expression(self):
        f = F(self.field)
        if self.nullable:
            return f.desc(nulls_last=True) if self.desc else f.asc(nulls_last=True)
        return f.desc() if self.desc else f.asc()

    def value_of(self, obj: Any):
        for part in self.field.split("__"):
            obj = getattr(obj, part)
            if obj is None:
                return None
        return obj


def order(queryset: QuerySet, keys: tuple[Key, ...]) -> QuerySet:
    return queryset.order_by(*(k.expression() for k in keys))


def encode(keys: tuple[Key, ...], obj: Any) -> str:
    values = []
    for key in keys:
        value = key.value_of(obj)
        values.append(value.isoformat() if isinstance(value, datetime) else value)
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(keys: tuple[Key, ...], cursor: str) -> list:
    """The values of a cursor, type-checked against the sort; BadRequest (400) if it is
    not a cursor of this sort."""
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode())
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("wrong length")
        decoded = []
        for key, value in zip(keys, values, strict=True):
            if value is None and key.nullable:
                decoded.append(None)
            elif key.type is datetime and isinstance(value, str):
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    raise ValueError("naive")
                decoded.append(moment)
            elif key.type is int and type(value) is int and abs(value) < 2**63:
                decoded.append(value)
            elif key.type is str and isinstance(value, str) and "\x00" not in value:
                decoded.append(value)
            else:
                raise ValueError(f"bad value for {key.field}")
        return decoded
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        raise BadRequest(f"invalid cursor: {error}") from None


def after(keys: tuple[Key, ...], values: list) -> Q | None:
    """Rows strictly after ``values`` in the order of ``keys``; None when nothing can be.
    The first column is also bounded on its own, so that the index gives a range scan."""
    alternatives: list[Q] = []
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        if value is not None:
            beyond = Q(**{f"{key.field}__{'lt' if key.desc else 'gt'}": value})
            if key.nullable:
                beyond |= Q(**{f"{key.field}__isnull": True})
            alternatives.append(equal & beyond)
            equal &= Q(**{key.field: value})
        else:  # in the NULLs, which come last: only the next columns can move on
            equal &= Q(**{f"{key.field}__isnull": True})
    if not alternatives:
        return None
    condition = alternatives[0]
    for alternative in alternatives[1:]:
        condition |= alternative
    first, value = keys[0], values[0]
    if value is None:
        condition &= Q(**{f"{first.field}__isnull": True})
    elif not first.nullable:
        condition &= Q(**{f"{first.field}__{'lte' if first.desc else 'gte'}": value})
    return condition


def ranges_after(keys: tuple[Key, ...], values: list) -> list[Q]:
    """``after`` as disjoint conditions, in the order of their rows: the rest of the
    current group of the longest shared prefix first, then ever broader ones, the NULLs
    of a nullable column last. Each is equalities then one range, which an index reads
    as one range scan (an OR over them, as ``after`` is, makes PostgreSQL filter every
    row from the start of the index instead)."""
    ranges: list[Q] = []
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        if value is not None:
            beyond = [equal & Q(**{f"{key.field}__{'lt' if key.desc else 'gt'}": value})]
            if key.nullable:
                beyond.append(equal & Q(**{f"{key.field}__isnull": True}))
            ranges.append(beyond)
            equal &= Q(**{key.field: value})
        else:  # in the NULLs, which come last: only the next columns can move on
            equal &= Q(**{f"{key.field}__isnull": True})
    return [condition for beyond in reversed(ranges) for condition in beyond]


def rows_after(queryset: QuerySet, keys: tuple[Key, ...], values: list, limit: int, narrow=False):
    """Up to ``limit`` rows strictly after ``values``, range by range (``ranges_after``):
    most pages are filled by the first one or two."""
    rows: list = []
    for condition in ranges_after(keys, values):
        rows += _rows(queryset.filter(condition), limit - len(rows), narrow)
        if len(rows) >= limit:
            break
    return rows


@dataclass
class Page:
    """What includes/pagination.html shows: ``number`` is None on a cursor page; the
    links are query strings ("?page=2&stance=agree"), empty when there is none."""

    object_list: list
    number: int | None
    next_href: str = ""
    previous_href: str = ""
    first_href: str = ""
    keyset = True  # tells the template from Django's Page

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_href or self.previous_href or self.first_href)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _href(params, **changes) -> str:
    query = params.copy()
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = str(value)
    return "?" + query.urlencode()


def reverse_order(queryset: QuerySet, keys: tuple[Key, ...]) -> QuerySet:
    """``queryset`` in the opposite order of ``keys`` (NULLs first), for the last page."""
    expressions = []
    for key in keys:
        f = F(key.field)
        if key.nullable:
            expressions.append(f.asc(nulls_first=True) if key.desc else f.desc(nulls_first=True))
        else:
            expressions.append(f.asc() if key.desc else f.desc())
    return queryset.order_by(*expressions)


def boundary(queryset: QuerySet, keys: tuple[Key, ...], index: int) -> list | None:
    """The sort key of the row at ``index`` (0-based) in the order of ``keys``, None past
    the end: only the key columns are read (from the index when it covers them), not
    the rows before it."""
    fields = [k.field for k in keys]
    found = list(order(queryset, keys).values_list(*fields)[index : index + 1])
    return list(found[0]) if found else None


def paginate(
    queryset: QuerySet,
    keys: tuple[Key, ...],
    params,
    per_page: int,
    *,
    locate: Callable[[int], list | None] | None = None,
    total: Callable[[], tuple[int, bool]] | None = None,
    prepare: Callable[[list], object] | None = None,
    narrow: bool = False,
) -> Page:
    """One page of ``queryset`` in the order of ``keys``, from the request's ``page`` or
    ``cursor`` parameter (``params``: request.GET). A page number that is not a positive
    integer (or "last"), or past the end, is a 404, as with Django's paginator; a cursor
    that is not one is a 400.

    A deep ``?page=N`` is not an OFFSET over whole rows: the sort key of the row before
    the page is found first (``locate(index)``, e.g. from stored counts, else
    ``boundary``), then the page is read after it like a cursor page. ``?page=last``
    needs the list's size: ``total()`` gives (count, capped); when capped, the last rows
    are read in the opposite order. ``prepare(rows)`` is called on the rows read (e.g.
    to attach their display data) before the page's links are made from them. With
    ``narrow``, the page's ids are found first and its rows read by id: the sort then
    carries the key columns only (for a sort that cannot come from an index)."""
    queryset = order(queryset, keys)
    cursor = params.get("cursor")
    number: int | None = None
    raw = params.get("page") or "1"
    if cursor:
        rows = rows_after(queryset, keys, decode(keys, cursor), per_page + 1, narrow)
    elif raw == "last" and total is not None:
        count, capped = total()
        if capped:
            last = _rows(reverse_order(queryset, keys), per_page, narrow)[::-1]
            if prepare is not None:
                prepare(last)
            page = Page(last, None)
            page.first_href = _href(params, page=None, cursor=None)
            return page
        number = max(1, -(-count // per_page))
        rows = _numbered(queryset, keys, number, per_page, locate, narrow)
    else:
        if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
            raise Http404("page invalide")
        number = int(raw)
        rows = _numbered(queryset, keys, number, per_page, locate, narrow)
        if not rows and number > 1:
            raise Http404("page vide")
    if prepare is not None:
        prepare(rows)
    page = Page(rows[:per_page], number)
    if len(rows) > per_page:
        if number is not None and number < NUMBERED:
            page.next_href = _href(params, page=number + 1, cursor=None)
        else:
            page.next_href = _href(params, page=None, cursor=encode(keys, rows[per_page - 1]))
    if number is not None and number > 1:
        page.previous_href = _href(params, page=number - 1 if number > 2 else None, cursor=None)
    elif number is None:
        page.first_href = _href(params, page=None, cursor=None)
    return page


SHALLOW = NUMBERED * 50  # rows an OFFSET may skip; deeper, the boundary key is found first


def _rows(queryset: QuerySet, limit: int, narrow: bool, start: int = 0) -> list:
    if not narrow:
        return list(queryset[start : start + limit])
    ids = list(queryset.values_list("pk", flat=True)[start : start + limit])
    found = queryset.order_by().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _numbered(queryset, keys, number: int, per_page: int, locate, narrow: bool = False) -> list:
    """The rows of page ``number`` and one more (which says there is a next page)."""
    start = (number - 1) * per_page
    if start <= SHALLOW:
        return _rows(queryset, per_page + 1, narrow, start)
    values = locate(start - 1) if locate is not None else None
    if values is None:
        values = boundary(queryset, keys, start - 1)
    if values is None:
        return []
    return rows_after(queryset, keys, values, per_page + 1, narrow)


def count_upto(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """(count, capped): the exact count when at most ``cap``, else (cap, True), counting
    at most cap + 1 rows."""
    n = queryset.order_by()[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)
