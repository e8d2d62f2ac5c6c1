"""A backup is a backup: curations made in the admin (by a curator the target database does
not know), a participant merge, the aliases and the curation history all come back from
an exported archive, and a second export is the same document, database ids aside."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from importers.archive_json import problems
from people.merge import merge_participants
from people.models import Participant, ParticipantAlias
from tests.conftest import SEEDS, TESTDATA
from tests.importers.test_reimport import strip_ids
from threads.models import (
    AddresseeLink,
    Article,
    Blog,
    Comment,
    CurationEvent,
    ImportSource,
    Stance,
    StanceSource,
)

pytestmark = pytest.mark.django_db

COMMENTS = reverse("admin:threads_comment_changelist")
WXR = TESTDATA / "realworld" / "wxr-isso-wordpress.xml"


def export(tmp_path, name: str) -> dict:
    path = tmp_path / name
    call_command("export_archive", "-o", str(path), verbosity=0)
    return json.loads(path.read_text(encoding="utf-8"))


def restore(path) -> str:
    out = io.StringIO()
    call_command("import_dump", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def wipe() -> None:
    """An empty database, as a new machine has after `migrate`."""
    from people.models import MergeCandidate

    for model in (
        CurationEvent, LogEntry, AddresseeLink, Comment, Article, Blog, ParticipantAlias,
        Participant, MergeCandidate, ImportSource,
    ):  # fmt: skip
        model.objects.all().delete()


def curate(client, curator) -> None:
    """What a curator does in the admin: a bulk action, a list edit, a change form, an
    article position, and a merge."""
    article = Article.objects.get(title__startswith="La quête")
    chosen = list(article.comments.exclude(stance=Stance.DISAGREE).order_by("position")[:3])
    response = client.post(
        COMMENTS, {"action": "stance_disagree", "_selected_action": [c.pk for c in chosen]}
    )
    assert response.status_code == 302

    url = f"{COMMENTS}?article__id__exact={article.pk}"
    page = client.get(url)
    formset = page.context["cl"].formset
    target = formset.forms[5].instance
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
        f"{formset.prefix}-INITIAL_FORMS": str(len(formset.forms)),
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
        "_save": "Enregistrer",
    }
    for i, form in enumerate(formset.forms):
        data[f"{formset.prefix}-{i}-id"] = str(form.instance.pk)
        stance = form.instance.stance
        if form.instance.pk == target.pk:
            stance = Stance.NEUTRAL if stance != Stance.NEUTRAL else Stance.AGREE
        data[f"{formset.prefix}-{i}-stance"] = stance
    assert client.post(url, data).status_code == 302

    other = Comment.objects.exclude(article=article).order_by("pk").first()
    change = reverse("admin:threads_comment_change", args=[other.pk])
    response = client.post(change, {"stance": "nuanced", "stance_cue": "oui, mais"})
    assert response.status_code == 302

    change = reverse("admin:threads_article_change", args=[article.pk])
    response = client.post(change, {"position": "criticises", "position_cue": "le métier"})
    assert response.status_code == 302

    survivor = Participant.objects.get(key="flavien chantrel")
    flav = Participant.objects.get(key="flav", scope=article.blog.key)  # bare: one per blog
    merge_participants(survivor, [flav], curator)


def test_backup_round_trip_with_an_absent_curator(tmp_path, django_user_model, client):
    curator = django_user_model.objects.create_superuser("curatrice", "c@example.org", "pw")
    client.force_login(curator)
    restore(SEEDS["003"])
    restore(SEEDS["000"])
    restore(WXR)
    curate(client, curator)

    events = CurationEvent.objects.count()
    kinds = set(CurationEvent.objects.values_list("kind", flat=True))
    assert kinds == {"stance", "position", "merge"}
    assert LogEntry.objects.filter(user=curator).exists()  # the admin history, as before
    first = export(tmp_path, "first.json")
    assert problems(first) == []
    assert len(first["history"]) == events
    assert {e["by"] for e in first["history"]} == {"curatrice"}
    aliases = {p["slug"]: p["aliases"] for p in first["participants"]}
    assert "Flav" in aliases[Participant.objects.get(key="flavien chantrel").slug]
    (merge,) = [e for e in first["history"] if e["kind"] == "merge"]
    assert merge["new"] == Participant.objects.get(key="flavien chantrel").slug

    # A new machine: nothing imported, and no such user.
    wipe()
    curator.delete()
    out = restore(tmp_path / "first.json")
    assert f"{events} curation history entries restored" in out
    second = export(tmp_path, "second.json")
    assert strip_ids(second) == strip_ids(first)

    restored = Comment.objects.filter(stance_curated_via="admin")
    assert restored.exists()
    for comment in restored:
        assert comment.stance_source == StanceSource.CURATED
        assert comment.stance_curated_by is None and comment.stance_curated_by_name == "curatrice"
    article = Article.objects.get(title__startswith="La quête")
    assert article.position == "criticises" and article.position_curated_by_name == "curatrice"
    for event in CurationEvent.objects.all():
        assert event.by is None and event.by_name == "curatrice"
        if event.kind == "stance":
            assert event.comment is not None  # linked to the restored comment
        if event.kind == "position":
            assert event.article == article

    # Restoring again, or into a database holding part of the history, adds only what
    # is missing.
    restore(tmp_path / "first.json")
    assert CurationEvent.objects.count() == events
    CurationEvent.objects.filter(
        pk__in=list(CurationEvent.objects.order_by("pk").values_list("pk", flat=True)[::2])
    ).delete()
    restore(tmp_path / "first.json")
    assert CurationEvent.objects.count() == events
    assert strip_ids(export(tmp_path, "third.json")) == strip_ids(first)


def test_restore_links_a_curator_this_database_has(tmp_path, django_user_model, client):
    curator = django_user_model.objects.create_superuser("curatrice", "c@example.org", "pw")
    client.force_login(curator)
    restore(SEEDS["003"])
    restore(SEEDS["000"])
    curate(client, curator)
    export(tmp_path, "backup.json")
    wipe()
    restore(tmp_path / "backup.json")
    assert Comment.objects.filter(stance_curated_by=curator).exists()
    assert Article.objects.filter(position_curated_by=curator).exists()
    assert set(CurationEvent.objects.values_list("by", flat=True)) == {curator.pk}


def test_merge_decisions_survive_a_restore(tmp_path, django_user_model):
    """A rejected merge candidate is a curation too: restored into an empty database it
    stays rejected (and is not proposed again), and a restore never undoes a decision
    taken in the target."""
    from people.models import MergeCandidate

    curator = django_user_model.objects.create_superuser("curatrice", "c@example.org", "pw")
    for key in ("000", "001", "003", "004"):
        restore(SEEDS[key])
    candidates = list(MergeCandidate.objects.order_by("key", "scope_a"))
    assert {c.key for c in candidates} >= {"flav", "greg", "lily"}
    rejected, confirmed = candidates[0], candidates[1]
    now = timezone.now()
    for candidate, status in ((rejected, "rejected"), (confirmed, "confirmed")):
        candidate.status, candidate.decided_by, candidate.decided_at = status, curator, now
        candidate.decided_by_name = "curatrice"
        candidate.save()
    first = export(tmp_path, "first.json")
    assert problems(first) == []
    decided = {(c["key"], c["status"], c["decided_by"]) for c in first["merge_candidates"]}
    assert (rejected.key, "rejected", "curatrice") in decided

    wipe()
    curator.delete()
    out = restore(tmp_path / "first.json")
    assert f"{len(candidates)} merge candidates or decisions restored" in out
    again = MergeCandidate.objects.get(
        key=rejected.key, scope_a=rejected.scope_a, scope_b=rejected.scope_b
    )
    assert again.status == "rejected" and again.decided_by_name == "curatrice"
    assert strip_ids(export(tmp_path, "second.json")) == strip_ids(first)

    # Re-importing the texts proposes nothing new and keeps the decisions.
    for key in ("000", "001", "003", "004"):
        restore(SEEDS[key])
    assert MergeCandidate.objects.count() == len(candidates)
    assert MergeCandidate.objects.get(pk=again.pk).status == "rejected"

    # A decision taken in the target wins over the archive's pending one.
    pending = MergeCandidate.objects.filter(status="pending").first()
    pending.status = "rejected"
    pending.save()
    restore(tmp_path / "first.json")
    assert MergeCandidate.objects.get(pk=pending.pk).status == "rejected"
