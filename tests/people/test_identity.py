"""Who is one person (docs/identity.md), on the five texts and the real exports: bare names
per blog with merge candidates, curated identities kept joined, pingbacks not people,
handles shown one way, re-imports that change nothing, and the curators' decisions."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

import tests.conftest
from importers.loader import load_dump
from importers.loader.participants import IDENTITIES, known_identities
from importers.parsed import PINGBACK, ParsedArticle, ParsedComment, ParsedDump
from people.models import GLOBAL, MergeCandidate, Participant, ParticipantAlias
from people.names import is_bare, spelling_key, split_handle, website_key
from threads.models import Comment

CANDIDATES = reverse("admin:people_mergecandidate_changelist")
BDM, ALTERACTIONS = "name:blog du modérateur", "url:alteractions.net"
CROUZET, MEDIASSOCIAUX = "url:blog.tcrouzet.com", "url:mediassociaux.fr"
# Names of one word that appear on two of the five texts (fixtures/metadata/identities.json,
# "checked"): each is two participants and one candidate.
TEXT_CANDIDATES = {
    ("arnaud", ALTERACTIONS, CROUZET),
    ("denis", CROUZET, MEDIASSOCIAUX),
    ("flav", BDM, ALTERACTIONS),
    ("greg", CROUZET, MEDIASSOCIAUX),
    ("jyv", BDM, ALTERACTIONS),
    ("lily", ALTERACTIONS, CROUZET),
}
REALWORLD = sorted((tests.conftest.TESTDATA / "realworld").glob("*.xml"))


def import_path(path) -> None:
    call_command("import_dump", str(path), verbosity=0)


def candidates() -> set[tuple[str, str, str]]:
    return set(MergeCandidate.objects.values_list("key", "scope_a", "scope_b"))


def people_state() -> tuple:
    return (
        sorted(Participant.objects.values_list("pk", "name", "scope", "key")),
        sorted(ParticipantAlias.objects.values_list("participant_id", "scope", "name")),
        sorted(Comment.objects.values_list("pk", "author_id")),
        sorted(MergeCandidate.objects.values_list("key", "scope_a", "scope_b", "status")),
    )


# --- the rule, on names -----------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling, bare",
    [("Nicolas", True), ("greg.", True), ("@ grnkss", True), ("Anonymous", True),
     ("Benoît Faverial", False), ("E. de Saint-Bon", False),
     ("Stephanie Booth (@stephtara)", False)],
)  # fmt: skip
def test_a_name_of_one_word_is_bare(spelling, bare):
    assert is_bare(spelling_key(spelling)) is bare


def test_handles_are_shown_one_way():
    assert split_handle("@ grnkss") == split_handle("@grnkss") == ("@grnkss", "grnkss")
    assert spelling_key("@ CyrilHijar") == spelling_key("@CyrilHijar") == "cyrilhijar"


@pytest.mark.parametrize(
    "url, key",
    [("https://www.Spinxpress.com/", "spinxpress.com"), ("http://", ""),
     ("http://example.org/", ""), ("https://twitter.com", ""),
     ("https://twitter.com/crouzet", "twitter.com/crouzet"), ("javascript:alert(1)", "")],
)  # fmt: skip
def test_a_website_names_someone_only_with_a_real_address(url, key):
    assert website_key(url) == key


def test_the_rule_is_written_down():
    text = (tests.conftest.ROOT / "docs" / "identity.md").read_text(encoding="utf-8")
    for phrase in ("Within one blog", "two or more words", "Disqus username", "merge candidate"):
        assert phrase in text


# --- the five texts ---------------------------------------------------------------------


def test_bare_names_on_two_blogs_are_two_participants_and_a_candidate(texts):
    assert candidates() == TEXT_CANDIDATES
    assert set(MergeCandidate.objects.values_list("status", flat=True)) == {"pending"}
    for key, a, b in TEXT_CANDIDATES:
        people = Participant.objects.filter(key=key)
        assert {p.scope for p in people} == {a, b}, key
        for p in people:  # each keeps only the comments of its own blog
            assert set(p.comments.values_list("article__blog__key", flat=True)) == {p.scope}


def test_known_identities_stay_joined(texts):
    identities = known_identities()
    assert identities, IDENTITIES
    doc = json.loads(IDENTITIES.read_text(encoding="utf-8"))
    assert all(entry["note"].strip() for entry in doc["identities"] + doc["checked"])
    for name, pairs in identities:
        found = {
            a.participant_id
            for scope, key in pairs
            for a in ParticipantAlias.objects.filter(scope=scope, key=key)
        }
        assert len(found) == 1, name
    benoit = Participant.objects.get(key="benoit faverial")
    assert benoit.name == "Benoît Faverial" and benoit.scope == GLOBAL
    spelled = set(benoit.aliases.values_list("name", flat=True))
    assert {"Benoît Faverial", "Benoit Faverial"} <= spelled
    blogs = set(benoit.comments.values_list("article__blog__key", flat=True))
    blogs |= set(benoit.articles.values_list("blog__key", flat=True))
    assert blogs == {ALTERACTIONS, CROUZET, BDM, MEDIASSOCIAUX}


def test_pingbacks_are_not_participants_and_not_listed(texts, client):
    links = Comment.objects.filter(kind__in=["pingback", "trackback"])
    assert links.count() == 14
    assert not links.filter(author__isnull=False).exists()
    titles = set(links.values_list("author_as_written", flat=True))
    assert not ParticipantAlias.objects.filter(name__in=titles).exists()
    assert not Participant.objects.filter(name__in=titles).exists()
    # The citing page keeps its title and address.
    gularu = links.get(author_as_written__startswith="Devenir Community Manager - Gularu")
    assert gularu.author_as_written
    html = client.get(reverse("people:list")).content.decode()
    assert "Gularu" not in html and "NiceToFeedYou" not in html
    assert Participant.objects.active().count() == Participant.objects.count()


def test_handles_have_one_display_name(texts, client):
    assert Participant.objects.filter(name="@grnkss", handle="grnkss").count() == 1
    assert Participant.objects.filter(name="@CyrilHijar").count() == 1
    assert not Participant.objects.filter(name__startswith="@ ").exists()
    html = client.get(reverse("people:list")).content.decode()
    assert "@ grnkss" not in html and "@grnkss" in html


def test_reimport_changes_nothing(texts):
    before = people_state()
    tests.conftest.import_texts()
    assert people_state() == before


# --- curators' decisions ----------------------------------------------------------------


def candidate(key: str) -> MergeCandidate:
    return MergeCandidate.objects.get(key=key)


def test_confirm_merges_and_survives_reimport(texts, staff_client):
    greg = candidate("greg")
    count = Participant.objects.count()
    response = staff_client.post(CANDIDATES, {"action": "confirm", "_selected_action": [greg.pk]})
    assert response.status_code == 302
    greg.refresh_from_db()
    assert greg.status == "confirmed" and greg.decided_by_name == "curator" and greg.decided_at
    (person,) = Participant.objects.filter(key="greg")
    assert set(person.comments.values_list("article__blog__key", flat=True)) == {
        CROUZET, MEDIASSOCIAUX,
    }  # fmt: skip
    assert Participant.objects.count() == count - 1
    before = people_state()
    tests.conftest.import_texts()
    assert people_state() == before  # the merge holds, no candidate again


def test_reject_keeps_them_apart_and_is_not_proposed_again(texts, staff_client):
    lily = candidate("lily")
    response = staff_client.post(CANDIDATES, {"action": "reject", "_selected_action": [lily.pk]})
    assert response.status_code == 302
    lily.refresh_from_db()
    assert lily.status == "rejected"
    assert Participant.objects.filter(key="lily").count() == 2
    before = people_state()
    tests.conftest.import_texts()
    assert people_state() == before
    assert MergeCandidate.objects.filter(key="lily").count() == 1


def test_candidate_list_names_both_participants_in_french(texts, staff_client):
    html = staff_client.get(CANDIDATES).content.decode()
    assert "Fusions proposées" in html or "fusions proposées" in html
    assert "Blog du Modérateur" in html and "Thierry Crouzet" in html
    assert "Confirmer" in html and "Rejeter" in html


def test_candidates_need_staff(texts, client):
    assert client.get(CANDIDATES).status_code == 302


# --- across sources ---------------------------------------------------------------------


def _dump(blog: str, *comments: ParsedComment, format: str = "wxr") -> ParsedDump:
    article = ParsedArticle(
        title=f"Un billet sur {blog}", body="texte", url=f"https://{blog}/billet/",
        blog_name=blog, blog_url=f"https://{blog}", source_id="1",
        published_at=datetime(2012, 1, 1), comments=list(comments),
    )  # fmt: skip
    return ParsedDump(format=format, articles=[article])


def _load(dump: ParsedDump, name: str) -> None:
    load_dump(dump, file_name=name, sha256=name)


def _author(comment_body: str) -> Participant | None:
    return Comment.objects.get(body=comment_body).author


@pytest.mark.django_db
def test_same_website_or_full_name_is_one_person_across_blogs():
    site = "https://nicolas.example.net/"  # placeholder: names nobody
    _load(_dump("a.fr", ParsedComment("Nicolas", "a1", author_url="https://nico.fr/"),
                ParsedComment("Nicolas", "a2", author_url=site),
                ParsedComment("Jean Dupont", "a3")), "a")  # fmt: skip
    _load(_dump("b.fr", ParsedComment("Nico", "b1", author_url="http://www.nico.fr"),
                ParsedComment("Nicolas", "b2"),
                ParsedComment("JEAN DUPONT", "b3")), "b")  # fmt: skip
    assert _author("b1") == _author("a1")  # the same website
    assert _author("b2") != _author("a1")  # a bare name on another blog
    assert _author("b3") == _author("a3")  # two words
    assert candidates() == {("nicolas", "url:a.fr", "url:b.fr")}


@pytest.mark.django_db
def test_same_disqus_username_is_one_person_across_blogs():
    _load(_dump("a.fr", ParsedComment("Tom", "a1", author_handle="tom_b"), format="disqus"), "a")
    _load(_dump("b.fr", ParsedComment("Tom", "b1", author_handle="tom_b"),
                ParsedComment("Tom B.", "b2", author_handle="tom_b"),
                ParsedComment("Anonymous", "b3"), format="disqus"), "b")  # fmt: skip
    assert _author("a1") == _author("b1") == _author("b2")
    assert _author("a1").disqus_username == "tom_b"
    assert not candidates()


@pytest.mark.django_db
def test_a_pingback_gets_no_participant_even_under_a_persons_name():
    link = ParsedComment("Nicolas", "a2", kind=PINGBACK, author_url="https://b.fr/x")
    _load(_dump("a.fr", ParsedComment("Nicolas", "a1"), link), "a")
    assert _author("a1") is not None and _author("a2") is None
    assert Comment.objects.get(body="a2").author_url == "https://b.fr/x"


@pytest.mark.django_db
def test_five_texts_then_real_exports_into_one_database():
    tests.conftest.import_texts()
    for path in REALWORLD:
        import_path(path)
    found = candidates()
    assert TEXT_CANDIDATES <= found
    # A bare name shared by the five texts and a real export is kept apart too.
    assert {key for key, _, _ in found} >= {"greg", "eric", "alex", "sam"}
    assert not Comment.objects.filter(
        kind__in=["pingback", "trackback"], author__isnull=False
    ).exists()
    before = people_state()
    tests.conftest.import_texts()
    for path in REALWORLD:
        import_path(path)
    assert people_state() == before
