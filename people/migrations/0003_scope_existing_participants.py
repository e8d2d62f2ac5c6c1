"""Existing databases: keys now mean "this name on this blog" for bare names (docs/identity.md).

- Pingbacks and trackbacks lose their author (a citing page is not a person); participants
  that only ever "wrote" pingbacks are deleted.
- A bare-named participant joined across blogs only by the old rule (all its spellings
  have its one key, and no curator merged it) is split into one participant per blog, and
  each pair of blogs gets a merge candidate for the curators.
- Every alias gets the scope where it identifies someone; handles are displayed "@name";
  websites get their matching key.
"""

from __future__ import annotations

import itertools
from collections import Counter

from django.db import migrations
from django.db.models import Count
from django.utils.text import slugify

from people.names import is_bare, split_handle, website_key

LINK_KINDS = ("pingback", "trackback")


def forward(apps, schema_editor):
    Participant = apps.get_model("people", "Participant")
    Alias = apps.get_model("people", "ParticipantAlias")
    Candidate = apps.get_model("people", "MergeCandidate")
    Comment = apps.get_model("threads", "Comment")
    Article = apps.get_model("threads", "Article")
    LogEntry = apps.get_model("admin", "LogEntry")

    linked = set(
        Comment.objects.filter(kind__in=LINK_KINDS, author__isnull=False).values_list(
            "author_id", flat=True
        )
    )
    Comment.objects.filter(kind__in=LINK_KINDS).update(author=None)
    for pk in linked:
        if not (Comment.objects.filter(author=pk).exists() or Article.objects.filter(author=pk).exists()):
            Participant.objects.filter(pk=pk).delete()

    merged = {
        entry.object_id
        for entry in LogEntry.objects.filter(change_message__contains="fusion").only("object_id")
    }
    slugs = set(Participant.objects.values_list("slug", flat=True))

    def unique_slug(name: str) -> str:
        base = slugify(name)[:200] or "anonyme"
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        return slug

    for p in list(Participant.objects.all()):
        name, handle = split_handle(p.name)
        updates = {"website_key": website_key(p.website)}
        if name != p.name:
            updates["name"] = name
        if handle and not p.handle:
            updates["handle"] = handle
        Participant.objects.filter(pk=p.pk).update(**updates)

        blogs = Counter(
            dict(
                Comment.objects.filter(author=p)
                .values_list("article__blog__key")
                .annotate(n=Count("pk"))
                .values_list("article__blog__key", "n")
            )
        )
        blogs.update(Article.objects.filter(author=p).values_list("blog__key", flat=True))
        aliases = list(Alias.objects.filter(participant=p))
        spelled = {
            a.pk: set(
                Comment.objects.filter(author=p, author_as_written=a.name).values_list(
                    "article__blog__key", flat=True
                )
            )
            for a in aliases
        }
        if not is_bare(p.key):
            for a in aliases:
                if is_bare(a.key):  # a curated merge of a bare spelling: on its blogs
                    _scope_alias(Alias, a, spelled[a.pk] or set(blogs))
            continue
        home = blogs.most_common(1)[0][0] if blogs else ""
        only_rule = all(a.key == p.key for a in aliases) and str(p.pk) not in merged
        if len(blogs) < 2 or not only_rule:
            Participant.objects.filter(pk=p.pk).update(scope=home)
            for a in aliases:
                _scope_alias(Alias, a, spelled[a.pk] or {home})
            continue
        # Joined across blogs by the old rule only: one participant per blog.
        Participant.objects.filter(pk=p.pk).update(scope=home)
        scopes = {home: p.pk}
        for blog in sorted(blogs):
            if blog == home:
                continue
            twin = Participant.objects.create(
                name=name, slug=unique_slug(name), key=p.key, scope=blog, handle=p.handle
            )
            scopes[blog] = twin.pk
            Comment.objects.filter(author=p, article__blog__key=blog).update(author=twin)
            Article.objects.filter(author=p, blog__key=blog).update(author=twin)
        for a in aliases:
            targets = sorted(spelled[a.pk] or {home})
            first, *others = targets
            Alias.objects.filter(pk=a.pk).update(scope=first, participant=scopes.get(first, p.pk))
            for blog in others:
                Alias.objects.get_or_create(
                    scope=blog, name=a.name,
                    defaults={"key": a.key, "participant_id": scopes.get(blog, p.pk)},
                )  # fmt: skip
        for a, b in itertools.combinations(sorted(scopes), 2):
            Candidate.objects.get_or_create(key=p.key, scope_a=a, scope_b=b)


def _scope_alias(Alias, alias, blogs: set[str]) -> None:
    first, *others = sorted(blogs) or [""]
    Alias.objects.filter(pk=alias.pk).update(scope=first)
    for blog in others:
        Alias.objects.get_or_create(
            scope=blog, name=alias.name,
            defaults={"key": alias.key, "participant_id": alias.participant_id},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_scoped_identity"),
        ("threads", "0004_source_identity"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
