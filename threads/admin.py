"""The admin, built for curation: a curator sets the stance of comments and the position of
articles; every such change records who made it and when (the curated provenance that
re-imports never overwrite) and writes an admin history entry naming the field and its old
and new value.

Source data (text, authors, dates, nesting) is shown, not edited: a re-import would put
the source's values back, and the comment tree is the source's, so there is no reordering."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.views.main import ChangeList
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from mptt.admin import MPTTModelAdmin

from cmforum.cache import bump_archive_version
from threads import aggregates
from threads.curation import Change, record_position, record_stance
from threads.models import (
    Article,
    Blog,
    Comment,
    CurationEvent,
    ImportSource,
    Stance,
    StanceSource,
)

CURATED_VIA = "admin"
BULK_VIA = "admin (action groupée)"  # how a curation event says it came from a bulk action
STANCE_CURATION_FIELDS = [
    "stance", "stance_source", "stance_curated_by", "stance_curated_by_name", "stance_curated_at",
    "stance_curated_via", "stance_cue",
]  # fmt: skip
POSITION_CURATION_FIELDS = [
    "position", "position_cue", "position_curated_by", "position_curated_by_name",
    "position_curated_at", "position_curated_via",
]  # fmt: skip
# Styles are classes of static/css/admin.css, not style attributes: the CSP forbids those.
ADMIN_CSS = {"all": ["css/admin.css"]}
MAX_ADMIN_LEVEL = 20  # deeper replies are indented no further (static/css/admin.css)


def level_class(level: int) -> str:
    return f"cm-level-{min(level or 0, MAX_ADMIN_LEVEL)}"


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    return Truncator(str(value)).chars(80)


def change_line(field: str, old, new) -> str:
    """One history line: the field, its old and its new value."""
    return f"{field}: {_shown(old)} → {_shown(new)}"


def change_message(changes: list[Change]) -> str:
    return "; ".join(change_line(*change) for change in changes)


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""


def _log(user, objs, message: str) -> None:
    if objs:
        LogEntry.objects.log_actions(
            user_id=user.pk, queryset=objs, action_flag=CHANGE, change_message=message
        )


class CurationHistoryMixin:
    """History entries that say `field: old → new` instead of Django's bare field list.

    save_model() leaves the message on the instance; the admin then logs it, for the change
    form and for list edits alike."""

    def form_changes(self, form) -> list[Change]:
        """(field, old, new) for each field the form changed: the admin history line and
        the curation event (threads.curation) are both made from these."""
        return [
            (name, form.initial.get(name), form.cleaned_data.get(name))
            for name in form.changed_data
        ]

    def get_changelist_form(self, request, **kwargs):
        # Build the list-edit form from the editable fields only, not every model field.
        kwargs.setdefault("fields", self.list_editable)
        return super().get_changelist_form(request, **kwargs)

    def construct_change_message(self, request, form, formsets, add=False):
        message = getattr(form.instance, "_history_message", None)
        if message and not add:
            return message
        return super().construct_change_message(request, form, formsets, add)


# --- blogs and sources ----------------------------------------------------------------------


@admin.register(Blog)
class BlogAdmin(admin.ModelAdmin):
    list_display = ["name", "url"]
    search_fields = ["name"]


@admin.register(ImportSource)
class ImportSourceAdmin(admin.ModelAdmin):
    list_display = ["file_name", "format", "imported_at", "sha256"]
    readonly_fields = ["file_name", "sha256", "format", "imported_at", "counts"]


# --- comments -------------------------------------------------------------------------------


def stance_badge(stance: str, source: str = "") -> str:
    label = Stance(stance).label if stance in Stance.values else stance
    mark = {StanceSource.CURATED: " ✔", StanceSource.AUTO: " ?"}.get(source, "")
    css = stance if stance in Stance.values else Stance.UNKNOWN
    return format_html('<span class="cm-badge cm-stance-{}">{}{}</span>', css, label, mark)


def _via(via: str) -> str:
    """A shipped annotation file is named by its path; show it short, the path on hover."""
    if "/" in via:
        return format_html('<span title="{}">fichier d’annotations</span>', via)
    return via


def stance_provenance(comment: Comment) -> str:
    suggestion = ""
    if comment.auto_stance and (
        comment.stance_source != StanceSource.AUTO or comment.auto_stance != comment.stance
    ):
        suggestion = f" · suggestion : {Stance(comment.auto_stance).label}"
    if comment.stance_source == StanceSource.CURATED:
        who = (
            comment.stance_curated_by
            or comment.stance_curated_by_name
            or _via(comment.stance_curated_via)
            or "?"
        )
        return format_html(
            "curée · {}{}{}",
            who,
            f" · {_when(comment.stance_curated_at)}" if comment.stance_curated_at else "",
            suggestion,
        )
    if comment.stance_source == StanceSource.AUTO:
        confidence = ""
        if comment.auto_confidence is not None:
            confidence = f" ({comment.auto_confidence:.0%})"
        return format_html("suggérée{}{}", confidence, suggestion)
    return format_html("—{}", suggestion)


def titled(title: str):
    """A field's list filter under a title of our choosing."""

    class Titled(admin.FieldListFilter):
        def __new__(cls, field, request, params, model, model_admin, field_path):
            instance = admin.FieldListFilter.create(
                field, request, params, model, model_admin, field_path
            )
            instance.title = title
            return instance

    return Titled


class YearFilter(admin.SimpleListFilter):
    title = "année"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Comment.objects.order_by().dates("posted_at", "year")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(posted_at__year=int(self.value()))
        return queryset


class TreeChangeList(ChangeList):
    """Always the thread's reading order: a sort by column would scatter the replies."""

    def get_ordering(self, request, queryset):
        return ["tree_id", "lft", "pk"]


def _stance_action(stance: Stance):
    def action(modeladmin, request, queryset):
        modeladmin.curate_stance(request, queryset, stance)

    action.__name__ = f"stance_{stance.value}"
    return admin.action(
        description=f"Position : {stance.label} (curée par moi)", permissions=["change"]
    )(action)


@admin.register(Comment)
class CommentAdmin(CurationHistoryMixin, MPTTModelAdmin):
    # Django's own change list, in tree order (MPTTModelAdmin.get_ordering), with the depth
    # shown by indenting the first column; columns cannot be re-sorted, so the thread
    # stays readable. No drag and drop: the nesting is the source's.
    class Media:
        css = ADMIN_CSS

    change_list_template = None
    sortable_by = ()
    list_display = [
        "thread_entry", "article_title", "visibility", "stance", "provenance",
    ]  # fmt: skip
    list_display_links = ["thread_entry"]
    list_editable = ["stance"]
    list_filter = [
        ("stance", titled("position (stance)")), ("stance_source", titled("provenance")),
        "kind", "is_public", "article", "article__blog", YearFilter,
    ]  # fmt: skip
    date_hierarchy = "posted_at"
    search_fields = ["body", "author_as_written", "author__name"]
    list_select_related = ["article", "author", "stance_curated_by"]
    list_per_page = 100
    actions = [_stance_action(s) for s in (Stance.AGREE, Stance.DISAGREE, Stance.NUANCED,
                                           Stance.NEUTRAL)]  # fmt: skip
    fieldsets = [
        ("Position", {"fields": ["stance", "stance_cue", "provenance", "suggestion"]}),
        (
            "Commentaire (source)",
            {
                "fields": [
                    "article",
                    "in_thread",
                    "author",
                    "author_as_written",
                    "posted_at",
                    "date_raw",
                    "kind",
                    "status",
                    "is_public",
                    "position",
                    "body",
                    "links",
                ]  # fmt: skip
            },
        ),
    ]
    readonly_fields = [
        "provenance", "suggestion", "article", "in_thread", "author", "author_as_written",
        "posted_at", "date_raw", "kind", "status", "is_public", "position", "body", "links",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False  # comments come from imported sources

    def get_changelist(self, request, **kwargs):
        return TreeChangeList

    def get_list_display(self, request):
        # One article's thread: its title on every row says nothing.
        if "article__id__exact" in request.GET:
            return [name for name in self.list_display if name != "article_title"]
        return self.list_display

    # --- list columns

    @admin.display(description="commentaire (ordre du fil)")
    def thread_entry(self, obj: Comment) -> str:
        """Author, rank in the source, date and kind, then the start of the text; replies
        indented by their depth."""
        level = obj.level or 0
        author = obj.author_as_written or (obj.author.name if obj.author else "—")
        details = [f"#{obj.position}"]
        if obj.posted_at:
            details.append(_when(obj.posted_at))
        elif obj.date_raw:
            details.append(obj.date_raw)
        if obj.kind != "comment":
            details.append(obj.get_kind_display())
        return format_html(
            '<div class="cm-entry {}">{}<strong>{}</strong> '
            '<span class="cm-muted">{}</span><br>'
            '<span class="cm-excerpt">{}</span></div>',
            level_class(level),
            "↳ " if level else "",
            author,
            " · ".join(details),
            Truncator(obj.body).chars(160),
        )

    @admin.display(description="article")
    def article_title(self, obj: Comment) -> str:
        return format_html(
            '<span class="cm-article">{}</span>',
            Truncator(obj.article.title).chars(50),
        )

    @admin.display(description="statut")
    def visibility(self, obj: Comment) -> str:
        if obj.is_public:
            return "public"
        return format_html('<strong class="cm-hidden">masqué</strong> ({})', obj.status)

    @admin.display(description="provenance")
    def provenance(self, obj: Comment) -> str:
        return stance_provenance(obj)

    # --- change form

    @admin.display(description="suggestion automatique")
    def suggestion(self, obj: Comment) -> str:
        if not obj.auto_stance:
            return "—"
        confidence = "" if obj.auto_confidence is None else f" ({obj.auto_confidence:.0%})"
        cues = "; ".join(str(c) for c in obj.auto_cues) if obj.auto_cues else "aucun indice"
        return format_html(
            "{}{} — {}", stance_badge(obj.auto_stance, StanceSource.AUTO), confidence, cues
        )

    @admin.display(description="dans le fil")
    def in_thread(self, obj: Comment) -> str:
        url = reverse("admin:threads_comment_changelist") + f"?article__id__exact={obj.article_id}"
        parent = ""
        if obj.parent_id:
            parent = format_html(
                'répond à <a href="{}">{}</a> · ',
                reverse("admin:threads_comment_change", args=[obj.parent_id]),
                obj.parent,
            )
        return format_html(
            '{}niveau {} · <a href="{}">tout le fil de l’article</a>', parent, obj.level, url
        )

    @admin.display(description="s’adresse à")
    def links(self, obj: Comment) -> str:
        targets = obj.outgoing_links.select_related("target")
        if not targets:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:threads_comment_change", args=[link.target_id]), link.target)
                for link in targets
            ),
        )

    # --- curation

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        changes = self.form_changes(form)
        now = timezone.now()
        if {"stance", "stance_cue"} & set(form.changed_data):
            old_source = Comment.objects.values_list("stance_source", flat=True).get(pk=obj.pk)
            if old_source != StanceSource.CURATED:
                changes.append(("stance_source", old_source, StanceSource.CURATED))
            if "stance" in form.changed_data and "stance_cue" not in form.fields and obj.stance_cue:
                # A list edit: the cue justified the old label, and the curator cannot see it.
                changes.append(("stance_cue", obj.stance_cue, ""))
                obj.stance_cue = ""
            obj.stance_source = StanceSource.CURATED
            obj.stance_curated_by = request.user
            obj.stance_curated_by_name = request.user.get_username()
            obj.stance_curated_at = now
            obj.stance_curated_via = CURATED_VIA
        obj._history_message = change_message(changes)
        with transaction.atomic():
            obj.save(update_fields=STANCE_CURATION_FIELDS)
            record_stance([(obj, changes)], request.user, CURATED_VIA, now)
            bump_archive_version()  # cached pages show the old stance
            aggregates.refresh_articles([obj.article_id])  # its stance counts

    def curate_stance(self, request, queryset, stance: Stance) -> None:
        """A bulk action: the selected comments get `stance`, curated by the acting user.
        Comments already curated with that stance are left as they are."""
        now = timezone.now()
        changed: list[Comment] = []
        by_message: dict[str, list[Comment]] = defaultdict(list)
        history: list[tuple[Comment, list[Change]]] = []
        # The changelist's queryset may carry joins (search, select_related); lock and
        # read the rows themselves.
        pks = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            rows = list(
                Comment.objects.filter(pk__in=pks)
                .select_for_update()
                .only(
                    "pk",
                    "article_id",
                    "position",
                    "content_hash",
                    "author_as_written",
                    "body",
                    *STANCE_CURATION_FIELDS,
                )
                .order_by("pk")
            )
            for comment in rows:
                if comment.stance == stance and comment.stance_source == StanceSource.CURATED:
                    continue
                lines: list[Change] = []
                if comment.stance != stance:
                    lines.append(("stance", comment.stance, stance.value))
                    if comment.stance_cue:
                        lines.append(("stance_cue", comment.stance_cue, ""))
                        comment.stance_cue = ""
                if comment.stance_source != StanceSource.CURATED:
                    lines.append(("stance_source", comment.stance_source, StanceSource.CURATED))
                comment.stance = stance.value
                comment.stance_source = StanceSource.CURATED
                comment.stance_curated_by = request.user
                comment.stance_curated_by_name = request.user.get_username()
                comment.stance_curated_at = now
                comment.stance_curated_via = CURATED_VIA
                changed.append(comment)
                history.append((comment, lines))
                by_message[change_message(lines) + " (action groupée)"].append(comment)
            Comment.objects.bulk_update(changed, STANCE_CURATION_FIELDS, batch_size=500)
            if changed:
                bump_archive_version()  # bulk_update sends no signal
            aggregates.refresh_articles({c.article_id for c in changed})  # stance counts
            for message, comments in by_message.items():
                _log(request.user, comments, message)
            record_stance(history, request.user, BULK_VIA, now)
        unchanged = len(rows) - len(changed)
        text = f"{len(changed)} commentaire(s) marqué(s) « {stance.label} » (curé par vous)."
        if unchanged:
            text += f" {unchanged} l’étaient déjà."
        self.message_user(request, text, messages.SUCCESS)


# --- articles -------------------------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(CurationHistoryMixin, admin.ModelAdmin):
    class Media:
        css = ADMIN_CSS

    list_display = [
        "title", "blog", "author", "published_at", "n_comments", "position", "provenance",
    ]  # fmt: skip
    list_editable = ["position"]
    list_filter = ["position", "blog", "is_public"]
    search_fields = ["title", "body", "author__name"]
    list_select_related = ["blog", "author", "position_curated_by"]
    fieldsets = [
        ("Position", {"fields": ["position", "position_cue", "provenance"]}),
        ("Commentaires", {"fields": ["comments_link", "comment_tree"]}),
        (
            "Article (source)",
            {
                "classes": ["collapse"],
                "fields": [
                    "title",
                    "slug",
                    "blog",
                    "author",
                    "published_at",
                    "url",
                    "status",
                    "is_public",
                    "announced_comments",
                    "source",
                    "flags",
                    "body",
                ],  # fmt: skip
            },
        ),
    ]
    readonly_fields = [
        "provenance", "comments_link", "comment_tree", "title", "slug", "blog", "author",
        "published_at", "url", "status", "is_public", "announced_comments", "source", "flags",
        "body",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False  # articles come from imported sources

    def get_queryset(self, request):
        # Every comment, hidden ones included (Article.n_comments counts public ones).
        return super().get_queryset(request).annotate(n_all_comments=Count("comments"))

    @admin.display(description="commentaires", ordering="n_all_comments")
    def n_comments(self, obj: Article) -> int:
        return obj.n_all_comments

    @admin.display(description="provenance")
    def provenance(self, obj: Article) -> str:
        if not obj.position_curated_at:
            return "—"
        who = (
            obj.position_curated_by
            or obj.position_curated_by_name
            or _via(obj.position_curated_via)
            or "?"
        )
        return format_html("curée · {} · {}", who, _when(obj.position_curated_at))

    @admin.display(description="liste")
    def comments_link(self, obj: Article) -> str:
        url = reverse("admin:threads_comment_changelist") + f"?article__id__exact={obj.pk}"
        return format_html(
            '<a href="{}">Modifier les positions de ces {} commentaires dans la liste</a>',
            url,
            obj.comments.count(),
        )

    @admin.display(description="fil")
    def comment_tree(self, obj: Article) -> str:
        comments = obj.comments.select_related("author").order_by("tree_id", "lft")
        if not comments:
            return "aucun commentaire"
        items = format_html_join(
            "",
            '<li class="{}">{}{} '
            '<a href="{}"><strong>{}</strong></a> <span class="cm-muted">#{} {}</span>{} '
            "<span>{}</span></li>",
            (
                (
                    level_class(c.level),
                    "↳ " if c.level else "",
                    stance_badge(c.stance, c.stance_source),
                    reverse("admin:threads_comment_change", args=[c.pk]),
                    c.author_as_written or (c.author.name if c.author else "—"),
                    c.position,
                    _when(c.posted_at),
                    "" if c.is_public else format_html(" <em>(masqué : {})</em>", c.status),
                    Truncator(c.body).chars(110),
                )
                for c in comments
            ),
        )
        return format_html('<ul class="cm-tree">{}</ul>', items)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        changes = self.form_changes(form)
        now = timezone.now()
        if {"position", "position_cue"} & set(form.changed_data):
            if (
                "position" in form.changed_data
                and "position_cue" not in form.fields
                and obj.position_cue
            ):
                changes.append(("position_cue", obj.position_cue, ""))
                obj.position_cue = ""
            obj.position_curated_by = request.user
            obj.position_curated_by_name = request.user.get_username()
            obj.position_curated_at = now
            obj.position_curated_via = CURATED_VIA
        obj._history_message = change_message(changes)
        with transaction.atomic():
            obj.save(update_fields=POSITION_CURATION_FIELDS)
            bump_archive_version()
            record_position(obj, changes, request.user, CURATED_VIA, now)


# --- curation history -----------------------------------------------------------------------


@admin.register(CurationEvent)
class CurationEventAdmin(admin.ModelAdmin):
    """The curation history as data: what a backup carries and a restore brings back.
    Read only: it records what curators did."""

    list_display = ["at", "kind", "subject", "field", "old_value", "new_value", "who", "via"]
    list_filter = ["kind", "field", "by_name"]
    search_fields = ["old_value", "new_value", "note", "by_name", "participant_slug"]
    date_hierarchy = "at"
    list_select_related = ["article", "comment", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="par")
    def who(self, obj: CurationEvent) -> str:
        return str(obj.by or obj.by_name or "—")

    @admin.display(description="objet")
    def subject(self, obj: CurationEvent) -> str:
        if obj.comment_id:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:threads_comment_change", args=[obj.comment_id]),
                Truncator(str(obj.comment)).chars(60),
            )
        if obj.article_id:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:threads_article_change", args=[obj.article_id]),
                Truncator(obj.article.title).chars(60),
            )
        if obj.participant_slug:
            return f"participant {obj.participant_slug}"
        where = f"#{obj.comment_position} " if obj.comment_position is not None else ""
        return f"{where}{Truncator(obj.article_key).chars(60)} (absent de cette base)"
