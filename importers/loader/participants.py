"""Who wrote what: every spelling in a parsed file mapped to a participant, creating the
missing ones in bulk. Part of the loader: only called inside its transaction."""

from __future__ import annotations

from django.utils.text import slugify

from importers.loader.report import LoadReport
from importers.parsed import ParsedDump
from people.models import Participant, ParticipantAlias
from people.names import normalize_key, split_handle


class Participants:
    def __init__(self, dump: ParsedDump, report: LoadReport) -> None:
        self.dump = dump
        self.report = report
        self.participants: dict[str, Participant] = {}  # by normalized key
        self.slugs_taken: set[str] | None = None
        self.by_archive_slug: dict[str, int] = {}  # cmforum-json: slug -> participant id

    def _spellings(self) -> set[str]:
        # Authors an archive names by slug are already known; only the others are resolved.
        spellings = {
            a.author.strip() for a in self.dump.articles if a.author.strip() and not a.author_slug
        }
        for article in self.dump.articles:
            spellings.update(
                c.author.strip() for c in article.comments if c.author.strip() and not c.author_slug
            )
        return spellings

    def load_archive(self) -> None:
        """A cmforum-json archive names its participants, their slugs and spellings. A
        participant merged away since the archive was made resolves, through its spellings,
        to the survivor: restoring an old backup never undoes a merge."""
        for entry in self.dump.participants:
            spellings = [entry["name"], *entry.get("aliases", [])]
            participant = Participant.objects.filter(slug=entry["slug"]).first()
            for spelling in spellings:
                if participant is None:
                    participant = Participant.objects.for_spelling(spelling)
            if participant is None:
                name, _ = split_handle(entry["name"])
                participant = Participant.objects.create(
                    name=entry["name"], slug=entry["slug"], key=normalize_key(name),
                    handle=entry.get("handle", ""), website=entry.get("website", ""),
                )  # fmt: skip
                self.report.participants_new += 1
            self.by_archive_slug[entry["slug"]] = participant.pk
            existing = set(
                ParticipantAlias.objects.filter(name__in=spellings).values_list("name", flat=True)
            )
            ParticipantAlias.objects.bulk_create(
                ParticipantAlias(participant=participant, name=spelling,
                                 key=normalize_key(split_handle(spelling)[0]))
                for spelling in entry.get("aliases", []) if spelling not in existing
            )  # fmt: skip

    def resolve(self) -> None:
        """Map every spelling in the file to a participant, creating what is missing in
        bulk. Spellings with equal normalized keys are one participant."""
        spellings = self._spellings()
        same_person = self._same_username_keys()
        key_of = {s: normalize_key(split_handle(s)[0]) for s in sorted(spellings)}
        key_of = {s: k for s, k in key_of.items() if k}
        groups: dict[str, list[str]] = {}  # one entry per person: key -> spellings
        for spelling, key in key_of.items():
            groups.setdefault(same_person.get(key, key), []).append(spelling)
        if not groups:
            return
        all_keys = set(key_of.values()) | set(groups)
        found: dict[str, Participant] = {}
        aliases = ParticipantAlias.objects.filter(key__in=all_keys).select_related("participant")
        for alias in aliases.order_by("pk"):
            found.setdefault(alias.key, alias.participant)
        for participant in Participant.objects.filter(key__in=all_keys - set(found)):
            found.setdefault(participant.key, participant)

        new: list[Participant] = []
        for key, members in groups.items():
            candidates = [key] + [key_of[s] for s in members]
            participant = next((found[k] for k in candidates if k in found), None)
            if participant is None:
                name, handle = split_handle(members[0])
                participant = Participant(
                    name=name, key=key, handle=handle, slug=self._unique_slug(name)
                )
                new.append(participant)
            self.participants[key] = participant
            for spelling in members:
                self.participants[key_of[spelling]] = participant
        if new:
            Participant.objects.bulk_create(new)
            if any(p.pk is None for p in new):  # backends without RETURNING
                saved = {p.key: p for p in Participant.objects.filter(key__in=[p.key for p in new])}
                for k, p in list(self.participants.items()):
                    if p.pk is None:
                        self.participants[k] = saved[p.key]
            self.report.participants_new += len(new)

        known = set(
            ParticipantAlias.objects.filter(name__in=spellings).values_list("name", flat=True)
        )
        ParticipantAlias.objects.bulk_create(
            ParticipantAlias(participant=self.participants[key], name=spelling, key=key)
            for spelling, key in key_of.items()
            if spelling not in known
        )
        for key, members in groups.items():
            participant, handle = self.participants[key], split_handle(members[0])[1]
            if handle and not participant.handle:
                participant.handle = handle
                participant.save(update_fields=["handle"])

    def _same_username_keys(self) -> dict[str, str]:
        """Disqus keys authors by username: every name a username posted under is that
        person, under the key of the first name seen."""
        if self.dump.format != "disqus":
            return {}
        first_key: dict[str, str] = {}
        mapping: dict[str, str] = {}
        for article in self.dump.articles:
            for c in article.comments:
                key = normalize_key(split_handle(c.author)[0])
                if c.author_handle and key:
                    mapping[key] = first_key.setdefault(c.author_handle, key)
        return {k: v for k, v in mapping.items() if k != v}

    def _unique_slug(self, name: str) -> str:
        if self.slugs_taken is None:
            self.slugs_taken = set(Participant.objects.values_list("slug", flat=True))
        base = slugify(name)[:200] or "anonyme"
        slug, n = base, 2
        while slug in self.slugs_taken:
            slug, n = f"{base}-{n}", n + 1
        self.slugs_taken.add(slug)
        return slug

    def author_id(self, spelling: str, slug: str = "") -> int | None:
        if slug in self.by_archive_slug:
            return self.by_archive_slug[slug]
        return getattr(self.participant_for(spelling), "pk", None)

    def participant_for(self, spelling: str) -> Participant | None:
        spelling = spelling.strip()
        if not spelling:
            return None
        return self.participants.get(normalize_key(split_handle(spelling)[0]))
