"""The curation admin, used as a staff user through the test client on the five real texts:
bulk stance actions, quick stance editing in the list, article positions, the history they
leave, the comment list in tree order, and who may reach the admin at all."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.conftest import import_texts
from threads.models import Article, Blog, Comment, Position, Stance, StanceSource

COMMENTS = reverse("admin:threads_comment_changelist")
ARTICLES = reverse("admin:threads_article_changelist")
ACTIONS = {
    "stance_agree": Stance.AGREE,
    "stance_disagree": Stance.DISAGREE,
    "stance_nuanced": Stance.NUANCED,
    "stance_neutral": Stance.NEUTRAL,
}


def history(obj) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).order_by("pk")
    )


def thread_article() -> Article:
    """The article with the deepest thread: the one that shows nesting best."""
    return Comment.objects.order_by("-level", "pk").first().article


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [COMMENTS, ARTICLES, "/admin/people/participant/", "/admin/"])
def test_non_staff_user_is_sent_to_the_login_page(texts, client, django_user_model, url):
    user = django_user_model.objects.create_user("reader", "reader@example.org", "pw")
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_visitor_is_sent_to_the_login_page(texts, client):
    response = client.get(COMMENTS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_user_cannot_run_a_bulk_action(texts, client, django_user_model):
    user = django_user_model.objects.create_user("reader", "reader@example.org", "pw")
    client.force_login(user)
    comment = Comment.objects.exclude(stance=Stance.AGREE).first()
    before = (comment.stance, comment.stance_source)
    response = client.post(COMMENTS, {"action": "stance_agree", "_selected_action": [comment.pk]})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.stance, comment.stance_source) == before
    assert not LogEntry.objects.exists()


# --- the comment list ---------------------------------------------------------------------------


def test_comment_list_is_in_tree_order_with_indented_replies(texts, staff_client):
    article = thread_article()
    response = staff_client.get(COMMENTS, {"article__id__exact": article.pk})
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    expected = list(article.comments.order_by("tree_id", "lft"))[: len(shown)]
    assert [c.pk for c in shown] == [c.pk for c in expected]
    html = response.content.decode()
    deepest = max(c.level for c in shown)
    assert deepest >= 2
    for level in range(deepest + 1):
        assert f'class="cm-entry cm-level-{level}"' in html
    assert "↳" in html


def test_sorting_by_a_column_cannot_break_the_tree_order(texts, staff_client):
    article = thread_article()
    response = staff_client.get(COMMENTS, {"article__id__exact": article.pk, "o": "3"})
    shown = [c.pk for c in response.context["cl"].result_list]
    expected = list(article.comments.order_by("tree_id", "lft").values_list("pk", flat=True))
    assert shown == expected[: len(shown)]


def test_hidden_comments_are_listed_with_their_status(texts, staff_client):
    comment = Comment.objects.filter(kind="comment").first()
    Comment.objects.filter(pk=comment.pk).update(is_public=False, status="spam")
    response = staff_client.get(COMMENTS, {"is_public__exact": "0"})
    assert [c.pk for c in response.context["cl"].result_list] == [comment.pk]
    html = response.content.decode()
    assert "masqué" in html and "(spam)" in html


def shown_pks(client, params: dict) -> set[int]:
    response = client.get(COMMENTS, params)
    assert response.status_code == 200, params
    cl = response.context["cl"]
    return {c.pk for c in cl.queryset}


def test_filters_and_search(texts, staff_client):
    article = thread_article()
    blog = article.blog
    tweets = set(Comment.objects.filter(kind="tweet").values_list("pk", flat=True))
    assert tweets
    assert shown_pks(staff_client, {"kind__exact": "tweet"}) == tweets
    assert shown_pks(staff_client, {"article__id__exact": article.pk}) == set(
        article.comments.values_list("pk", flat=True)
    )
    assert shown_pks(staff_client, {"article__blog__id__exact": blog.pk}) == set(
        Comment.objects.filter(article__blog=blog).values_list("pk", flat=True)
    )
    for stance in Stance.values:
        assert shown_pks(staff_client, {"stance__exact": stance}) == set(
            Comment.objects.filter(stance=stance).values_list("pk", flat=True)
        )
    curated = set(
        Comment.objects.filter(stance_source=StanceSource.CURATED).values_list("pk", flat=True)
    )
    assert shown_pks(staff_client, {"stance_source__exact": "curated"}) == curated

    dated = Comment.objects.exclude(posted_at=None).order_by("posted_at").first()
    year = dated.posted_at.year
    in_year = {c.pk for c in Comment.objects.exclude(posted_at=None) if c.posted_at.year == year}
    assert shown_pks(staff_client, {"year": str(year)}) == in_year
    assert staff_client.get(COMMENTS, {"posted_at__year": str(year)}).status_code == 200

    author = Comment.objects.exclude(author=None).first().author
    by_name = shown_pks(staff_client, {"q": author.name})
    assert set(author.comments.values_list("pk", flat=True)) <= by_name
    word = "Apple"
    assert shown_pks(staff_client, {"q": word}) == set(
        Comment.objects.filter(body__icontains=word).values_list("pk", flat=True)
    )


# --- bulk actions -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(ACTIONS))
def test_bulk_action_sets_curated_stance_by_the_acting_user(texts, staff_client, curator, action):
    stance = ACTIONS[action]
    chosen = list(Comment.objects.exclude(stance=stance).order_by("pk")[:3])
    assert len(chosen) == 3
    old = {c.pk: c.stance for c in chosen}
    response = staff_client.post(
        COMMENTS, {"action": action, "_selected_action": [c.pk for c in chosen]}
    )
    assert response.status_code == 302
    for comment in chosen:
        comment.refresh_from_db()
        assert comment.stance == stance
        assert comment.stance_source == StanceSource.CURATED
        assert comment.stance_curated_by == curator
        assert comment.stance_curated_via == "admin"
        assert comment.stance_curated_at is not None
        (entry,) = history(comment)
        assert entry.user == curator and entry.action_flag == CHANGE
        assert f"stance: {old[comment.pk]} → {stance.value}" in entry.get_change_message()
    others = Comment.objects.exclude(pk__in=old).filter(stance_curated_by=curator)
    assert not others.exists()


def test_bulk_action_leaves_comments_already_curated_with_that_stance(texts, staff_client, curator):
    done, todo = Comment.objects.order_by("pk")[:2]
    Comment.objects.filter(pk=done.pk).update(
        stance=Stance.NEUTRAL, stance_source=StanceSource.CURATED, stance_curated_via="file"
    )
    Comment.objects.filter(pk=todo.pk).update(stance=Stance.UNKNOWN, stance_source="")
    staff_client.post(
        COMMENTS, {"action": "stance_neutral", "_selected_action": [done.pk, todo.pk]}
    )
    done.refresh_from_db()
    todo.refresh_from_db()
    assert done.stance_curated_via == "file" and done.stance_curated_by is None
    assert history(done) == []
    assert todo.stance == Stance.NEUTRAL and todo.stance_curated_by == curator
    message = history(todo)[0].get_change_message()
    assert "stance: unknown → neutral" in message
    assert "stance_source: — → curated" in message


def test_bulk_action_confirming_a_suggestion_makes_it_curated(texts, staff_client, curator):
    comment = Comment.objects.order_by("pk").first()
    Comment.objects.filter(pk=comment.pk).update(
        stance=Stance.AGREE, stance_source=StanceSource.AUTO, auto_stance=Stance.AGREE,
        auto_confidence=0.7, auto_cues=["+1"],
    )  # fmt: skip
    staff_client.post(COMMENTS, {"action": "stance_agree", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.stance_source == StanceSource.CURATED
    assert comment.stance_curated_by == curator
    assert comment.auto_stance == Stance.AGREE and comment.auto_cues == ["+1"]
    assert "stance_source: auto → curated" in history(comment)[0].get_change_message()


# --- quick editing in the list --------------------------------------------------------------


def list_edit_data(response, changes: dict[int, str]) -> dict:
    """The POST a browser sends from the change list: every row, some stances changed."""
    formset = response.context["cl"].formset
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
        f"{formset.prefix}-INITIAL_FORMS": str(len(formset.forms)),
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
        "_save": "Enregistrer",
    }
    for i, form in enumerate(formset.forms):
        data[f"{formset.prefix}-{i}-id"] = str(form.instance.pk)
        data[f"{formset.prefix}-{i}-stance"] = changes.get(form.instance.pk, form.instance.stance)
    return data


def test_list_edit_records_curation_only_for_rows_whose_stance_changed(
    texts, staff_client, curator
):
    article = Article.objects.get(title__startswith="La quête")
    url = f"{COMMENTS}?article__id__exact={article.pk}"
    page = staff_client.get(url)
    rows = list(page.context["cl"].result_list)
    first, second = rows[0], rows[1]
    before = {c.pk: (c.stance, c.stance_source, c.stance_curated_at) for c in rows}
    new_first = Stance.DISAGREE if first.stance != Stance.DISAGREE else Stance.NUANCED
    new_second = Stance.NEUTRAL if second.stance != Stance.NEUTRAL else Stance.AGREE

    response = staff_client.post(
        url, list_edit_data(page, {first.pk: new_first, second.pk: new_second})
    )
    assert response.status_code == 302

    for comment, new in ((first, new_first), (second, new_second)):
        old_stance = comment.stance
        comment.refresh_from_db()
        assert comment.stance == new
        assert comment.stance_source == StanceSource.CURATED
        assert comment.stance_curated_by == curator
        assert comment.stance_curated_via == "admin"
        assert comment.stance_cue == ""  # the cue justified the old label
        (entry,) = history(comment)
        assert entry.user == curator
        assert f"stance: {old_stance} → {new}" in entry.get_change_message()
    for comment in rows[2:]:
        comment.refresh_from_db()
        assert (comment.stance, comment.stance_source, comment.stance_curated_at) == before[
            comment.pk
        ]
        assert comment.stance_curated_by is None
        assert history(comment) == []


def test_change_form_edits_stance_and_cue(texts, staff_client, curator):
    comment = Comment.objects.exclude(stance=Stance.NUANCED).order_by("pk").first()
    url = reverse("admin:threads_comment_change", args=[comment.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "suggestion automatique" in page.content.decode().lower()
    old = comment.stance
    response = staff_client.post(url, {"stance": "nuanced", "stance_cue": "d’accord, mais"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.stance == Stance.NUANCED and comment.stance_cue == "d’accord, mais"
    assert comment.stance_curated_by == curator and comment.stance_source == "curated"
    message = history(comment)[0].get_change_message()
    assert f"stance: {old} → nuanced" in message and "stance_cue:" in message
    # the source fields are shown, not editable
    assert "body" not in page.context["adminform"].form.fields


def test_history_page_shows_who_changed_what(texts, staff_client):
    comment = Comment.objects.exclude(stance=Stance.DISAGREE).order_by("pk").first()
    old = comment.stance
    staff_client.post(COMMENTS, {"action": "stance_disagree", "_selected_action": [comment.pk]})
    response = staff_client.get(reverse("admin:threads_comment_history", args=[comment.pk]))
    html = response.content.decode()
    assert "curator" in html
    assert f"stance: {old} → disagree" in html


# --- articles -----------------------------------------------------------------------------------


def test_article_page_shows_its_comment_tree(texts, staff_client):
    article = thread_article()
    response = staff_client.get(reverse("admin:threads_article_change", args=[article.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for comment in article.comments.all():
        assert reverse("admin:threads_comment_change", args=[comment.pk]) in html
    assert f"{COMMENTS}?article__id__exact={article.pk}" in html
    assert "drag-handle" not in html


def test_article_position_change_form_records_curation(texts, staff_client, curator):
    article = Article.objects.exclude(position=Position.DEFENDS).first()
    old = article.position
    url = reverse("admin:threads_article_change", args=[article.pk])
    response = staff_client.post(url, {"position": "defends", "position_cue": "je défends"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.position == Position.DEFENDS
    assert article.position_curated_by == curator
    assert article.position_curated_via == "admin"
    assert article.position_curated_at is not None
    message = history(article)[0].get_change_message()
    assert f"position: {old} → defends" in message


def test_article_position_list_edit(texts, staff_client, curator):
    page = staff_client.get(ARTICLES)
    formset = page.context["cl"].formset
    target = formset.forms[0].instance
    new = Position.CRITICISES if target.position != Position.CRITICISES else Position.NUANCED
    data = {
        "form-TOTAL_FORMS": str(len(formset.forms)),
        "form-INITIAL_FORMS": str(len(formset.forms)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Enregistrer",
    }
    for i, form in enumerate(formset.forms):
        data[f"form-{i}-id"] = str(form.instance.pk)
        data[f"form-{i}-position"] = (
            new if form.instance.pk == target.pk else form.instance.position
        )
    assert staff_client.post(ARTICLES, data).status_code == 302
    old = target.position
    target.refresh_from_db()
    assert target.position == new and target.position_curated_by == curator
    assert f"position: {old} → {new}" in history(target)[0].get_change_message()
    untouched = Article.objects.exclude(pk=target.pk)
    assert not untouched.filter(position_curated_by=curator).exists()
    assert LogEntry.objects.count() == 1


def test_nothing_can_be_added_by_hand(texts, staff_client):
    assert staff_client.get(reverse("admin:threads_comment_add")).status_code == 403
    assert staff_client.get(reverse("admin:threads_article_add")).status_code == 403


# --- re-import ----------------------------------------------------------------------------------


def test_curated_stance_and_position_survive_a_reimport(texts, staff_client, curator):
    chosen = list(Comment.objects.exclude(stance=Stance.DISAGREE).order_by("-pk")[:4])
    staff_client.post(
        COMMENTS, {"action": "stance_disagree", "_selected_action": [c.pk for c in chosen]}
    )
    article = Article.objects.exclude(position=Position.NUANCED).first()
    staff_client.post(
        reverse("admin:threads_article_change", args=[article.pk]),
        {"position": "nuanced", "position_cue": ""},
    )
    n_comments, n_blogs = Comment.objects.count(), Blog.objects.count()

    import_texts()

    assert Comment.objects.count() == n_comments and Blog.objects.count() == n_blogs
    for comment in chosen:
        comment.refresh_from_db()  # same row: the import matched it by identity
        assert comment.stance == Stance.DISAGREE
        assert comment.stance_source == StanceSource.CURATED
        assert comment.stance_curated_by == curator
        assert comment.stance_curated_via == "admin"
    article.refresh_from_db()
    assert article.position == Position.NUANCED
    assert article.position_curated_by == curator and article.position_curated_via == "admin"
