"""Who wrote what: every spelling in a parsed file mapped to a participant, creating the
missing ones in bulk. Part of the loader: only called inside its transaction.

The rule (docs/identity.md): within one blog, the same normalized name is one person;
across blogs, a name of two words or more, the same website or the same Disqus username is
one person. A bare name (one word) seen on two blogs is two participants and a merge
candidate for the curators. Identities established by evidence (fixtures/metadata/
identities.json) are joined whatever the rule says. Pingbacks and trackbacks are citing
pages, not people: they get no participant."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils.text import slugify

from importers.loader.report import LoadReport
from importers.parsed import ParsedArticle, ParsedComment, ParsedDump
from people.models import (
    GLOBAL,
    LINK_KINDS,
    FormerSlug,
    MergeCandidate,
    Participant,
    ParticipantAlias,
)
from people.names import NAME_LENGTH, fitted, is_bare, spelling_key, split_handle, website_key

IDENTITIES = Path(settings.BASE_DIR) / "fixtures" / "metadata" / "identities.json"

Identity = tuple[str, str]  # (scope, normalized key)


@cache
def known_identities(path: Path = IDENTITIES) -> tuple[tuple[str, tuple[Identity, ...]], ...]:
    """The curated identities: (display name, the (scope, key) pairs that are that person)."""
    if not path.exists():
        return ()
    doc = json.loads(path.read_text(encoding="utf-8"))
    result = []
    for entry in doc.get("identities", []):
        pairs = []
        for spelling in entry["spellings"]:
            key = spelling_key(spelling["name"])
            pairs.append((spelling["blog"] if is_bare(key) else GLOBAL, key))
        result.append((entry["name"], tuple(dict.fromkeys(pairs))))
    return tuple(result)


def identity_of(spelling: str, scope: str) -> Identity:
    """Where a spelling identifies someone: a bare name on its blog only."""
    key = spelling_key(spelling)
    return (scope if is_bare(key) else GLOBAL, key)


class _Groups:
    """Union-find over identities: the ones a file shows to be one person."""

    def __init__(self) -> None:
        self.parent: dict[Identity, Identity] = {}

    def add(self, item: Identity) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: Identity) -> Identity:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: Identity, b: Identity) -> None:
        self.add(a)
        self.add(b)
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra

    def groups(self) -> list[list[Identity]]:
        found: dict[Identity, list[Identity]] = {}
        for item in self.parent:  # insertion order: the first identity seen leads
            found.setdefault(self.find(item), []).append(item)
        return list(found.values())


class Participants:
    def __init__(self, dump: ParsedDump, report: LoadReport) -> None:
        self.dump = dump
        self.report = report
        self.participants: dict[Identity, Participant] = {}
        self.slugs_taken: set[str] | None = None
        self.by_archive_slug: dict[str, int] = {}  # cmforum-json: slug -> participant id
        self.scope = GLOBAL  # the blog key of the article being loaded
        self.blog_for: Callable[[ParsedArticle], object] | None = None
        long_names = {
            author
            for article in dump.articles
            for author in [article.author]
            + [c.author for c in article.comments if c.kind not in LINK_KINDS]
            if len(author.strip()) > NAME_LENGTH
        }
        for author in sorted(long_names):
            report.warnings.append(
                f"author name of {len(author.strip())} characters cut to {NAME_LENGTH} for "
                f"its participant (kept whole on the comment): {author.strip()[:60]}…"
            )

    def enter_blog(self, blog, article: ParsedArticle | None = None) -> None:
        """The loader says which blog an article is on (the blog of the archived article it
        matched, which an edited copy does not name): its names are resolved there."""
        self.scope = blog.key
        if article is not None:
            occurrences = [
                o for o in self._occurrences_of(article, blog.key)
                if identity_of(o[0], o[1]) not in self.participants
            ]  # fmt: skip
            if occurrences:
                self._resolve(occurrences)

    def _scope_of(self, article: ParsedArticle) -> str:
        return self.blog_for(article).key if self.blog_for else GLOBAL

    @staticmethod
    def _occurrences_of(
        article: ParsedArticle, scope: str
    ) -> list[tuple[str, str, ParsedComment | None]]:
        """(spelling, blog scope, comment or None for the article's author). Authors an
        archive names by slug are already known; citing pages are nobody."""
        found: list[tuple[str, str, ParsedComment | None]] = []
        if article.author.strip() and not article.author_slug:
            found.append((fitted(article.author), scope, None))
        found += [
            (fitted(c.author), scope, c)
            for c in article.comments
            if c.author.strip() and not c.author_slug and c.kind not in LINK_KINDS
        ]
        return found

    # --- cmforum-json archives -----------------------------------------------------------

    def load_archive(self, blog_for: Callable[[ParsedArticle], object] | None = None) -> None:
        """A cmforum-json archive names its participants, their slugs and spellings. A
        participant merged away since the archive was made resolves, through its spellings,
        to the survivor: restoring an old backup never undoes a merge. A bare spelling's
        blog is the blog of the archived contributions written that way."""
        if blog_for is not None:
            self.blog_for = blog_for
        if not self.dump.participants:
            return
        scopes: dict[tuple[str, str], list[str]] = {}  # (slug, spelling) -> blog scopes
        for article in self.dump.articles:
            written = [(article.author_slug, article.author)] + [
                (c.author_slug, c.author) for c in article.comments
            ]
            written = [(slug, spelling) for slug, spelling in written if slug and spelling]
            scope = self._scope_of(article) if written else GLOBAL
            for slug, spelling in written:
                if slug and spelling.strip():
                    found = scopes.setdefault((slug, fitted(spelling)), [])
                    if scope not in found:
                        found.append(scope)
        own_scopes: dict[str, list[str]] = {}
        for (sl, _), ss in scopes.items():
            own_scopes.setdefault(sl, []).extend(ss)

        def pairs_of(slug: str, spelling: str) -> list[Identity]:
            key = spelling_key(spelling)
            if not is_bare(key):
                return [(GLOBAL, key)]
            fallback = own_scopes.get(slug, [])[:1] or [GLOBAL]
            return [(s, key) for s in scopes.get((slug, spelling), fallback)]

        # What the database holds for every slug and spelling of the file, in a few queries;
        # then the entries in file order, as if one by one: an entry may find a participant
        # an earlier entry created (a bare name shared on one blog).
        entries = self.dump.participants
        spellings_of = {e["slug"]: [e["name"], *e.get("aliases", [])] for e in entries}
        all_pairs = {
            pair
            for e in entries
            for spelling in spellings_of[e["slug"]]
            for pair in pairs_of(e["slug"], spelling)
        }
        slugs = [e["slug"] for e in entries]
        by_slug = {p.slug: p for p in _in_chunks(Participant.objects.all(), "slug", slugs)}
        alias_owner: dict[Identity, Participant] = {}
        own_pair: dict[Identity, Participant] = {}
        for chunk in _chunks(sorted(all_pairs)):
            condition = Q(pk__in=[])
            for scope, keys in itertools.groupby(chunk, key=lambda p: p[0]):
                condition |= Q(scope=scope, key__in=[k for _, k in keys])
            aliases = ParticipantAlias.objects.filter(condition).select_related("participant")
            for alias in aliases.order_by("pk"):
                alias_owner.setdefault((alias.scope, alias.key), alias.participant)
            for participant in Participant.objects.filter(condition):
                own_pair[(participant.scope, participant.key)] = participant
        alias_names = {a for e in entries for a in e.get("aliases", [])}
        known_aliases = set(
            _in_chunks(ParticipantAlias.objects.values_list("scope", "name"), "name", alias_names)
        )
        new_people: list[Participant] = []
        new_aliases: list[ParticipantAlias] = []
        chosen: dict[str, Participant] = {}
        for entry in entries:
            slug = entry["slug"]
            participant = by_slug.get(slug)
            for spelling in spellings_of[slug]:
                for pair in pairs_of(slug, spelling):
                    if participant is None:
                        participant = alias_owner.get(pair) or own_pair.get(pair)
            if participant is None:
                name, handle = split_handle(entry["name"])
                scope, key = pairs_of(slug, entry["name"])[0]
                participant = Participant(
                    name=entry["name"], slug=slug, key=key, scope=scope,
                    handle=entry.get("handle", "") or handle, website=entry.get("website", ""),
                    website_key=website_key(entry.get("website", "")),
                )  # fmt: skip
                new_people.append(participant)
                own_pair[(scope, key)] = participant
                by_slug[slug] = participant
                self.report.participants_new += 1
            chosen[slug] = participant
            aliases = entry.get("aliases", [])  # the name itself is not a spelling seen
            wanted = {(s, spelling) for spelling in aliases for s, _ in pairs_of(slug, spelling)}
            for scope, spelling in sorted(wanted - known_aliases):
                known_aliases.add((scope, spelling))
                alias_owner.setdefault((scope, spelling_key(spelling)), participant)
                new_aliases.append(
                    ParticipantAlias(participant=participant, name=spelling, scope=scope,
                                     key=spelling_key(spelling))
                )  # fmt: skip
        Participant.objects.bulk_create(new_people, batch_size=1000)
        if any(p.pk is None for p in new_people):  # backends without RETURNING
            saved = dict(
                Participant.objects.filter(slug__in=[p.slug for p in new_people]).values_list(
                    "slug", "pk"
                )
            )
            for p in new_people:
                p.pk = saved[p.slug]
        for alias in new_aliases:
            alias.participant_id = alias.participant.pk
        ParticipantAlias.objects.bulk_create(new_aliases, batch_size=1000)
        self.by_archive_slug.update({slug: p.pk for slug, p in chosen.items()})

    # --- every other format --------------------------------------------------------------

    def resolve(self, blog_for: Callable[[ParsedArticle], object] | None = None) -> None:
        """Names are resolved per article, on its blog (enter_blog); this keeps how the
        loader finds a parsed article's blog, for archives."""
        if blog_for is not None:
            self.blog_for = blog_for

    def _resolve(self, occurrences: list[tuple[str, str, ParsedComment | None]]) -> None:
        """Map every spelling to a participant, creating what is missing in bulk, then
        propose merges for bare names now seen on two blogs."""
        groups = _Groups()
        usernames: dict[Identity, str] = {}
        websites: dict[Identity, tuple[str, str]] = {}
        first_spelling: dict[Identity, str] = {}
        by_username: dict[str, Identity] = {}
        for spelling, scope, comment in occurrences:
            ident = identity_of(spelling, scope)
            if not ident[1]:
                continue
            groups.add(ident)
            # Named after the first spelling in sorted order: the same whatever the file order.
            first_spelling[ident] = min(spelling, first_spelling.get(ident, spelling))
            if comment is None:
                continue
            # Disqus keys authors by username: every name it posted under is that person.
            if comment.author_handle and self.dump.format == "disqus":
                usernames.setdefault(ident, comment.author_handle)
                groups.union(by_username.setdefault(comment.author_handle, ident), ident)
            site = website_key(comment.author_url)
            if site:
                websites.setdefault(ident, (comment.author_url.strip(), site))
        curated: dict[Identity, int] = {}
        for n, (_name, pairs) in enumerate(known_identities()):
            for pair in pairs:
                curated[pair] = n
        for ident in list(groups.parent):
            if ident in curated:  # join the file's spellings of one curated identity
                for other in known_identities()[curated[ident]][1]:
                    if other in groups.parent:
                        groups.union(ident, other)

        found = self._lookup(groups.groups(), curated, usernames, websites)
        new: list[Participant] = []
        for members in groups.groups():
            participant = found.get(members[0])
            if participant is None:
                lead = members[0]
                spelling = first_spelling[lead]
                index = next((curated[m] for m in members if m in curated), None)
                if index is not None:
                    spelling = known_identities()[index][0]
                name, handle = split_handle(spelling)
                url, site = next((websites[m] for m in members if m in websites), ("", ""))
                participant = Participant(
                    name=name, key=lead[1], scope=lead[0], handle=handle,
                    slug=self._unique_slug(name), website=url[:500], website_key=site[:500],
                    disqus_username=next((usernames[m] for m in members if m in usernames), ""),
                )  # fmt: skip
                new.append(participant)
            for member in members:
                self.participants[member] = participant
        if new:
            Participant.objects.bulk_create(new)
            if any(p.pk is None for p in new):  # backends without RETURNING
                saved = {
                    (p.scope, p.key): p
                    for p in Participant.objects.filter(slug__in=[p.slug for p in new])
                }
                for k, p in list(self.participants.items()):
                    if p.pk is None:
                        self.participants[k] = saved[(p.scope, p.key)]
            self.report.participants_new += len(new)

        self._write_aliases(occurrences)
        self._fill_blanks(groups.groups(), usernames, websites, first_spelling)
        self._propose_merges({ident for ident in groups.parent if ident[0] != GLOBAL})

    def _lookup(
        self,
        groups: list[list[Identity]],
        curated: dict[Identity, int],
        usernames: dict[Identity, str],
        websites: dict[Identity, tuple[str, str]],
    ) -> dict[Identity, Participant]:
        """{group lead: the participant already archived for it}, in a few queries: by
        spelling (aliases, so merges are followed), then Disqus username, then website
        (a participant known on another blog)."""
        pairs = {m for members in groups for m in members}
        for m in list(pairs):
            if m in curated:
                pairs.update(known_identities()[curated[m]][1])
        by_pair: dict[Identity, Participant] = {}
        condition = Q(pk__in=[])
        for scope, keys in itertools.groupby(sorted(pairs), key=lambda p: p[0]):
            condition |= Q(scope=scope, key__in=[k for _, k in keys])
        for alias in (
            ParticipantAlias.objects.filter(condition).select_related("participant").order_by("pk")
        ):
            by_pair.setdefault((alias.scope, alias.key), alias.participant)
        for participant in Participant.objects.filter(condition):
            by_pair.setdefault((participant.scope, participant.key), participant)
        by_username = {
            p.disqus_username: p
            for p in Participant.objects.filter(
                disqus_username__in=set(usernames.values())
            ).order_by("-pk")
        }
        sites = {site for _, site in websites.values()}
        by_site: dict[str, list[Participant]] = {}
        for p in Participant.objects.filter(website_key__in=sites).order_by("pk"):
            by_site.setdefault(p.website_key, []).append(p)
        site_blogs = self._blogs_of([p for ps in by_site.values() for p in ps])

        found: dict[Identity, Participant] = {}
        for members in groups:
            expanded = list(members)
            for m in members:
                if m in curated:
                    expanded += [p for p in known_identities()[curated[m]][1] if p not in expanded]
            people = list(dict.fromkeys(by_pair[m] for m in expanded if m in by_pair))
            if len(people) > 1 and any(m in curated for m in members):
                # Curated evidence says these are one person: join what was kept apart.
                from people.merge import merge_participants

                merge_participants(people[0], people[1:])
                for pair, p in by_pair.items():
                    if p in people:
                        by_pair[pair] = people[0]
            participant = people[0] if people else None
            if participant is None:
                participant = next((by_username[usernames[m]] for m in members
                                    if usernames.get(m) in by_username), None)  # fmt: skip
            if participant is None:
                blogs = {m[0] for m in members if m[0] != GLOBAL}
                for m in members:
                    if m not in websites:
                        continue
                    # The same website joins people across blogs, never two names on one.
                    participant = next(
                        (p for p in by_site.get(websites[m][1], [])
                         if site_blogs.get(p.pk) and not site_blogs[p.pk] & blogs),
                        None,
                    )  # fmt: skip
                    if participant is not None:
                        break
            if participant is not None:
                found[members[0]] = participant
        return found

    @staticmethod
    def _blogs_of(people: list[Participant]) -> dict[int, set[str]]:
        """{participant id: keys of the blogs they wrote or commented on}."""
        from threads.models import Article, Comment

        ids = [p.pk for p in people]
        if not ids:
            return {}
        found: dict[int, set[str]] = {}
        for pk, blog in (
            Comment.objects.filter(author__in=ids)
            .order_by()  # no default ordering columns in a UNION (PostgreSQL)
            .values_list("author_id", "article__blog__key")
            .distinct()
            .union(
                Article.objects.filter(author__in=ids)
                .order_by()
                .values_list("author_id", "blog__key")
                .distinct()
            )
        ):
            found.setdefault(pk, set()).add(blog)
        return found

    def _write_aliases(self, occurrences: list[tuple[str, str, ParsedComment | None]]) -> None:
        wanted: dict[tuple[str, str], Participant] = {}
        for spelling, scope, _ in occurrences:
            ident = identity_of(spelling, scope)
            if ident in self.participants:
                wanted.setdefault((ident[0], spelling), self.participants[ident])
        known = set(
            ParticipantAlias.objects.filter(
                name__in={name for _, name in wanted}, scope__in={s for s, _ in wanted}
            ).values_list("scope", "name")
        )
        ParticipantAlias.objects.bulk_create(
            ParticipantAlias(participant=p, name=name, scope=scope, key=spelling_key(name))
            for (scope, name), p in wanted.items()
            if (scope, name) not in known
        )

    def _fill_blanks(self, groups, usernames, websites, first_spelling) -> None:
        """What a source says about someone the archive knows without it (a handle, a
        website, a Disqus username) is added, never overwritten."""
        for members in groups:
            participant = self.participants[members[0]]
            values = {
                "handle": split_handle(first_spelling[members[0]])[1],
                "disqus_username": next((usernames[m] for m in members if m in usernames), ""),
            }
            site = next((websites[m] for m in members if m in websites), None)
            if site:
                values |= {"website": site[0][:500], "website_key": site[1][:500]}
            fields = [k for k, v in values.items() if v and not getattr(participant, k)]
            if "website_key" in fields and "website" not in fields:
                fields.remove("website_key")  # keep the curated website and its key together
            for k in fields:
                setattr(participant, k, values[k])
            if fields:
                participant.save(update_fields=fields)

    def _propose_merges(self, bare: set[Identity]) -> None:
        """A bare name now seen on two blogs as two participants: one candidate per pair
        of blogs, unless one was already proposed (and maybe rejected)."""
        if not bare:
            return
        by_key: dict[str, dict[str, int]] = {}
        for scope, key, pid in (
            ParticipantAlias.objects.filter(key__in={k for _, k in bare})
            .exclude(scope=GLOBAL)
            .values_list("scope", "key", "participant_id")
        ):
            by_key.setdefault(key, {}).setdefault(scope, pid)
        new = []
        for key, scopes in by_key.items():
            for a, b in itertools.combinations(sorted(scopes), 2):
                if scopes[a] != scopes[b] and ((a, key) in bare or (b, key) in bare):
                    new.append(MergeCandidate(key=key, scope_a=a, scope_b=b))
        if not new:
            return
        existing = set(
            MergeCandidate.objects.filter(key__in={c.key for c in new}).values_list(
                "key", "scope_a", "scope_b"
            )
        )
        new = [c for c in new if (c.key, c.scope_a, c.scope_b) not in existing]
        MergeCandidate.objects.bulk_create(new)
        if new:
            names = ", ".join(sorted({c.key for c in new}))
            self.report.warnings.append(
                f"{len(new)} merge(s) proposed for names of one word seen on two blogs "
                f"(admin, « fusions proposées »): {names}"
            )

    def _unique_slug(self, name: str) -> str:
        if self.slugs_taken is None:
            # A merged participant's old address stays theirs (people.FormerSlug).
            self.slugs_taken = set(Participant.objects.values_list("slug", flat=True)) | set(
                FormerSlug.objects.values_list("slug", flat=True)
            )
        base = slugify(name)[:200] or "anonyme"
        slug, n = base, 2
        while slug in self.slugs_taken:
            slug, n = f"{base}-{n}", n + 1
        self.slugs_taken.add(slug)
        return slug

    def author_id(self, spelling: str, slug: str = "", kind: str = "") -> int | None:
        if kind in LINK_KINDS:
            return None  # a citing page, not a person (even in an older archive)
        if slug in self.by_archive_slug:
            return self.by_archive_slug[slug]
        return getattr(self.participant_for(spelling), "pk", None)

    def participant_for(self, spelling: str) -> Participant | None:
        spelling = fitted(spelling)
        if not spelling:
            return None
        return self.participants.get(identity_of(spelling, self.scope))


CHUNK = 2000  # values per IN (...): within every backend's limit on query parameters


def _chunks(values: list) -> list[list]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _in_chunks(queryset, field: str, values) -> list:
    """``queryset.filter(field__in=values)``, in chunks, as one list."""
    found: list = []
    for chunk in _chunks(sorted(set(values))):
        found += list(queryset.filter(**{f"{field}__in": chunk}))
    return found
