"""Merging participants: one person written several ways becomes one participant.

Contributions (articles, comments) and every spelling (alias) move to the survivor, and
the others are deleted, in one transaction. Because the importer resolves a spelling to a
participant through the aliases (by normalized key), moving the aliases is what makes a
re-import keep the merge: the same spelling goes to the survivor, no participant is
created again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.db import transaction

from cmforum.cache import bump_archive_version
from people.models import FormerSlug, Participant, ParticipantAlias
from threads import aggregates
from threads.curation import record_merge
from threads.models import Article, Comment


class MergeError(ValueError):
    pass


@dataclass
class MergeReport:
    survivor: Participant
    merged: list[str] = field(default_factory=list)  # names of the deleted participants
    comments: int = 0
    articles: int = 0
    aliases: int = 0
    article_ids: set[int] = field(default_factory=set)  # articles written or commented on

    def __str__(self) -> str:
        return (
            f"{', '.join(self.merged)} → {self.survivor.name}: {self.comments} commentaire(s), "
            f"{self.articles} article(s), {self.aliases} graphie(s) déplacés"
        )


def merge_participants(
    survivor: Participant, others: Iterable[Participant], user=None
) -> MergeReport:
    """Move the others' articles, comments and aliases to `survivor`, then delete them.

    With a `user`, the merge is written to the admin history (LogEntry): on the survivor,
    on each deleted participant, and on every article and comment whose author changed."""
    others = [p for p in others if p.pk != survivor.pk]
    if not others:
        raise MergeError("nothing to merge: choose at least one participant besides the survivor")
    report = MergeReport(survivor=survivor)
    with transaction.atomic():
        # Lock the rows so a concurrent import or merge cannot add to a participant
        # that is being deleted.
        ids = [survivor.pk, *(p.pk for p in others)]
        locked = {p.pk: p for p in Participant.objects.select_for_update().filter(pk__in=ids)}
        if survivor.pk not in locked:
            raise MergeError(f"participant {survivor.pk} no longer exists")
        survivor = locked[survivor.pk]
        report.survivor = survivor
        others = [locked[p.pk] for p in others if p.pk in locked]
        if not others:
            raise MergeError("the participants to merge no longer exist")

        for other in others:
            _merge_one(survivor, other, user, report)
        bump_archive_version()  # update() sends no signal; on commit

        updates = []
        for attr in ("handle", "website", "website_key", "disqus_username"):
            if not getattr(survivor, attr):
                value = next((getattr(o, attr) for o in others if getattr(o, attr)), "")
                if value:
                    setattr(survivor, attr, value)
                    updates.append(attr)
        if updates:
            survivor.save(update_fields=updates)
        # Counts move with the contributions; a thread's participants may become fewer.
        aggregates.refresh(articles=report.article_ids, participants=[survivor.pk])

        if user is not None:
            LogEntry.objects.log_actions(
                user_id=user.pk,
                queryset=[survivor],
                action_flag=CHANGE,
                change_message=f"fusion : {report}",
                single_object=True,
            )
    return report


def _merge_one(survivor: Participant, other: Participant, user, report: MergeReport) -> None:
    articles = list(Article.objects.filter(author=other).only("pk", "title"))
    comments = list(
        Comment.objects.filter(author=other).only("pk", "article_id", "author_as_written", "body")
    )
    report.article_ids |= {a.pk for a in articles} | {c.article_id for c in comments}
    Article.objects.filter(author=other).update(author=survivor)
    Comment.objects.filter(author=other).update(author=survivor)
    moved_aliases = ParticipantAlias.objects.filter(participant=other).update(participant=survivor)
    # The importer also falls back on Participant.key; once `other` is gone, its key must
    # still lead to the survivor, so keep an alias carrying it.
    # The key is scoped (a bare name to its blog), so the kept alias carries the scope too.
    same = ParticipantAlias.objects.filter(key=other.key, scope=other.scope)
    if not same.filter(participant=survivor).exists():
        if not ParticipantAlias.objects.filter(name=other.name, scope=other.scope).exists():
            ParticipantAlias.objects.create(
                participant=survivor, name=other.name, key=other.key, scope=other.scope
            )
            moved_aliases += 1

    report.merged.append(other.name)
    report.articles += len(articles)
    report.comments += len(comments)
    report.aliases += moved_aliases

    if user is not None:
        message = f"author: {other.name} (#{other.pk}) → {survivor.name} (#{survivor.pk}) (fusion)"
        for objs in (articles, comments):
            if objs:
                LogEntry.objects.log_actions(
                    user_id=user.pk, queryset=objs, action_flag=CHANGE, change_message=message
                )
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=[other],
            action_flag=DELETION,
            change_message=(
                f"fusionné dans {survivor.name} (#{survivor.pk}) : {len(comments)} "
                f"commentaire(s), {len(articles)} article(s), {moved_aliases} graphie(s)"
            ),
            single_object=True,
        )
    record_merge(survivor, other, user)  # the curation history, which backups carry
    # Links to the merged participant's page keep working: its address, and the ones it
    # had itself inherited, now lead to the survivor.
    FormerSlug.objects.filter(participant=other).update(participant=survivor)
    FormerSlug.objects.update_or_create(slug=other.slug, defaults={"participant": survivor})
    other.delete()
