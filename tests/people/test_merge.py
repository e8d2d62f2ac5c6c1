"""Merging participants: through the admin action (confirmation page, survivor chosen by the
curator) and directly. Contributions and spellings move to the survivor, the merge is
atomic, it is in the history, and a re-import of the same (or an edited) file keeps it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

import people.merge
import tests.conftest
from people.merge import MergeError, merge_participants
from people.models import Participant, ParticipantAlias
from threads.models import Comment

PARTICIPANTS = reverse("admin:people_participant_changelist")


def import_dump(path: Path = tests.conftest.FIXTURES) -> None:
    call_command("import_dump", str(path), verbosity=0)


# Text 003's blog: a bare name such as "Flav" is one participant per blog (docs/identity.md),
# and these tests mean the Flav of text 003.
BDM = "name:blog du modérateur"


def named(name: str) -> Participant:
    found = list(Participant.objects.filter(name=name))
    if len(found) > 1:
        found = [p for p in found if p.scope == BDM]
    (participant,) = found
    return participant


def history(obj, pk=None) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(pk or obj.pk),
        ).order_by("pk")
    )


def spellings(participant: Participant) -> set[str]:
    return set(participant.aliases.values_list("name", flat=True))


# "Flavien Chantrel" wrote the article of text 003 and comments in it, also as "Flavien"
# and "Flav" (Flav also comments on text 000).


def test_merge_action_asks_for_the_survivor_then_merges(texts, staff_client, curator):
    flavien, flav, short = named("Flavien Chantrel"), named("Flav"), named("Flavien")
    selected = [flavien.pk, flav.pk, short.pk]
    moved = set(Comment.objects.filter(author__in=[flav, short]).values_list("pk", flat=True))
    own = set(flavien.comments.values_list("pk", flat=True))
    articles = set(flavien.articles.values_list("pk", flat=True))
    assert moved and own and articles

    page = staff_client.post(
        PARTICIPANTS, {"action": "merge_participants", "_selected_action": selected}
    )
    assert page.status_code == 200  # the confirmation page; nothing merged yet
    html = page.content.decode()
    for p in (flavien, flav, short):
        assert f'name="survivor" value="{p.pk}"' in html
    assert Participant.objects.filter(pk__in=selected).count() == 3

    response = staff_client.post(
        PARTICIPANTS,
        {
            "action": "merge_participants",
            "_selected_action": selected,
            "post": "yes",
            "survivor": flavien.pk,
        },
    )
    assert response.status_code == 302
    assert set(Participant.objects.filter(pk__in=selected).values_list("pk", flat=True)) == {
        flavien.pk
    }
    assert set(flavien.comments.values_list("pk", flat=True)) == own | moved
    assert set(flavien.articles.values_list("pk", flat=True)) == articles
    assert {"Flav", "Flavien", "Flavien Chantrel"} <= spellings(flavien)

    (entry,) = history(flavien)
    assert entry.user == curator and entry.action_flag == CHANGE
    assert "fusion" in entry.get_change_message() and "Flav" in entry.get_change_message()
    for gone in (flav, short):
        (entry,) = history(gone)
        assert entry.action_flag == DELETION and "Flavien Chantrel" in entry.change_message
    comment = Comment.objects.get(pk=min(moved))
    assert "author: " in history(comment)[0].get_change_message()
    history_page = staff_client.get(reverse("admin:people_participant_history", args=[flavien.pk]))
    assert "curator" in history_page.content.decode()


def test_merge_action_needs_a_survivor_among_the_selected(texts, staff_client):
    flav, short, other = named("Flav"), named("Flavien"), named("Eric")
    response = staff_client.post(
        PARTICIPANTS,
        {
            "action": "merge_participants",
            "_selected_action": [flav.pk, short.pk],
            "post": "yes",
            "survivor": other.pk,
        },
    )
    assert response.status_code == 200  # asked again
    assert Participant.objects.filter(pk__in=[flav.pk, short.pk]).count() == 2


def test_merge_action_needs_two_participants(texts, staff_client):
    flav = named("Flav")
    response = staff_client.post(
        PARTICIPANTS, {"action": "merge_participants", "_selected_action": [flav.pk]}
    )
    assert response.status_code == 302
    assert Participant.objects.filter(pk=flav.pk).exists()


def test_non_staff_user_cannot_merge(texts, client, django_user_model):
    user = django_user_model.objects.create_user("reader", "reader@example.org", "pw")
    client.force_login(user)
    flav, short = named("Flav"), named("Flavien")
    response = client.post(
        PARTICIPANTS,
        {
            "action": "merge_participants",
            "_selected_action": [flav.pk, short.pk],
            "post": "yes",
            "survivor": flav.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert Participant.objects.filter(pk__in=[flav.pk, short.pk]).count() == 2


def test_merge_survives_a_reimport_of_the_same_files(texts, curator):
    flavien = named("Flavien Chantrel")
    merge_participants(flavien, [named("Flav"), named("Flavien")], curator)
    count = Participant.objects.count()
    authors = dict(Comment.objects.values_list("pk", "author_id"))

    import_dump()

    assert Participant.objects.count() == count  # no participant created again
    assert not Participant.objects.filter(key__in=["flav", "flavien"], scope=BDM).exists()
    assert dict(Comment.objects.values_list("pk", "author_id")) == authors
    for spelling in ("Flav", "Flavien", "Flavien Chantrel"):
        written = Comment.objects.filter(author_as_written=spelling, article__blog__key=BDM)
        assert written.exists()
        assert set(written.values_list("author_id", flat=True)) == {flavien.pk}
    assert Participant.objects.for_spelling("Flav", BDM) == flavien


def test_merge_survives_a_reimport_of_an_edited_file(texts, curator, tmp_path):
    flavien = named("Flavien Chantrel")
    merge_participants(flavien, [named("Flav"), named("Flavien")], curator)
    count = Participant.objects.count()
    text = tests.conftest.seed_text("003")
    old = "Mais certains trouvent ça tellement plus confortable…"
    assert text.count(old) == 1
    edited = tmp_path / "003_edited.txt"
    edited.write_text(text.replace(old, old + " (modifié)"), encoding="utf-8")

    import_dump(edited)

    comment = Comment.objects.get(body__contains="tellement plus confortable… (modifié)")
    assert comment.author_as_written == "Flav"
    assert comment.author == flavien
    assert Participant.objects.count() == count


def test_merge_keeps_the_key_of_a_participant_without_its_own_alias(texts, curator):
    survivor = named("Flavien Chantrel")
    lone = Participant.objects.create(name="F. Chantrel", slug="f-chantrel", key="f. chantrel")
    merge_participants(survivor, [lone], curator)
    alias = ParticipantAlias.objects.get(key="f. chantrel")
    assert alias.participant == survivor and alias.name == "F. Chantrel"


def test_merge_fills_the_survivors_blank_handle_and_website(texts):
    survivor, flav = named("Flavien Chantrel"), named("Flav")
    Participant.objects.filter(pk=flav.pk).update(handle="flav", website="https://example.org")
    merge_participants(survivor, [Participant.objects.get(pk=flav.pk)])
    survivor.refresh_from_db()
    assert (survivor.handle, survivor.website) == ("flav", "https://example.org")
    assert not LogEntry.objects.exists()  # no user, no history entry


def test_merge_is_atomic(texts, curator, monkeypatch):
    flavien, flav, short = named("Flavien Chantrel"), named("Flav"), named("Flavien")
    before = dict(Comment.objects.values_list("pk", "author_id"))
    aliases = dict(ParticipantAlias.objects.values_list("pk", "participant_id"))
    real = people.merge._merge_one
    calls = []

    def failing(*args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args)

    monkeypatch.setattr(people.merge, "_merge_one", failing)
    with pytest.raises(RuntimeError):
        merge_participants(flavien, [flav, short], curator)
    assert len(calls) == 2
    assert Participant.objects.filter(pk__in=[flav.pk, short.pk]).count() == 2
    assert dict(Comment.objects.values_list("pk", "author_id")) == before
    assert dict(ParticipantAlias.objects.values_list("pk", "participant_id")) == aliases
    assert not LogEntry.objects.exists()


def test_merge_needs_someone_besides_the_survivor(texts):
    flavien = named("Flavien Chantrel")
    with pytest.raises(MergeError):
        merge_participants(flavien, [flavien])


def test_participant_page_lists_aliases_and_computes_their_key(texts, staff_client):
    flavien = named("Flavien Chantrel")
    url = reverse("admin:people_participant_change", args=[flavien.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "Flavien Chantrel" in page.content.decode()
    formset = page.context["inline_admin_formsets"][0].formset
    data = {
        "name": flavien.name,
        "slug": flavien.slug,
        "handle": "",
        "website": "",
        f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms) + 1),
        f"{formset.prefix}-INITIAL_FORMS": str(len(formset.forms)),
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, form in enumerate(formset.forms):
        data[f"{formset.prefix}-{i}-id"] = str(form.instance.pk)
        data[f"{formset.prefix}-{i}-participant"] = str(flavien.pk)
        data[f"{formset.prefix}-{i}-name"] = form.instance.name
    n = len(formset.forms)
    data[f"{formset.prefix}-{n}-participant"] = str(flavien.pk)
    data[f"{formset.prefix}-{n}-name"] = "  FLAVIEN  Chantrél (@flavien)"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    alias = ParticipantAlias.objects.get(name="FLAVIEN  Chantrél (@flavien)")
    assert alias.key == "flavien chantrel" and alias.participant == flavien


def test_old_addresses_lead_to_the_survivor_after_a_merge(texts, client):
    flavien, flav = named("Flavien Chantrel"), named("Flav")
    old = flav.slug
    merge_participants(flavien, [flav])
    page = client.get(f"/people/{old}/?page=1")
    assert page.status_code == 301
    assert page["Location"] == f"/people/{flavien.slug}/?page=1"
    listing = client.get("/comments/", {"participant": old, "stance": "agree"})
    assert listing.status_code == 301
    assert listing["Location"] == (f"/comments/?participant={flavien.slug}&stance=agree")
    followed = client.get(listing["Location"])
    assert followed.status_code == 200
    assert flavien.name in followed.content.decode()
    # Merged again, the survivor takes the address along; a real participant's own
    # address is never redirected, and an unknown one is still a 404.
    other = named("Flavien")
    merge_participants(other, [flavien])
    assert client.get(f"/people/{old}/")["Location"] == f"/people/{other.slug}/"
    assert client.get(f"/people/{other.slug}/").status_code == 200
    assert client.get("/people/personne-de-ce-nom/").status_code == 404


def test_a_merged_address_is_never_given_to_a_new_participant(texts, client, tmp_path):
    flavien, flav = named("Flavien Chantrel"), named("Flav")
    old = flav.slug
    merge_participants(flavien, [flav])
    # Another blog's "Flav": a bare name is one participant per blog, so a new one.
    dump = tmp_path / "autre-blog.txt"
    dump.write_text(
        "Un autre billet\n\nPosted by Marie · 1 Comment\n\nDu texte.\n\n"
        "  • Flav dit :\n\n    Bonjour.\n\nLaisser un commentaire\n",
        encoding="utf-8",
    )
    before = set(Participant.objects.values_list("pk", flat=True))
    import_dump(dump)
    newcomer = Participant.objects.exclude(pk__in=before).get(name="Flav")
    assert newcomer.slug != old
    assert client.get(f"/people/{old}/")["Location"] == f"/people/{flavien.slug}/"
