"""Participants in the admin: their spellings inline, the merge of participants that are
one person, with a confirmation page to choose the survivor, and the merges the import
proposes (a bare name on two blogs), which curators confirm or reject."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import Count
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from cmforum.cache import bump_archive_version
from people.merge import MergeError, merge_participants
from people.models import GLOBAL, MergeCandidate, Participant, ParticipantAlias
from people.names import is_bare, spelling_key, website_key
from threads.models import Blog


class AliasForm(forms.ModelForm):
    class Meta:
        model = ParticipantAlias
        fields = ["name", "scope"]

    def save(self, commit=True):
        # The key is what the importer matches spellings on; it follows the name. A name of
        # two words or more identifies on every blog; a bare one on its blog (the given
        # scope, else the participant's).
        self.instance.key = spelling_key(self.cleaned_data["name"])
        if not is_bare(self.instance.key):
            self.instance.scope = GLOBAL
        elif not self.instance.scope:
            self.instance.scope = self.instance.participant.scope
        return super().save(commit)


class AliasInline(admin.TabularInline):
    model = ParticipantAlias
    form = AliasForm
    fields = ["name", "scope", "key"]
    readonly_fields = ["key"]
    extra = 0


MERGE_TEMPLATE = engines["django"].from_string(
    """{% extends "admin/base_site.html" %}
{% load i18n admin_urls %}
{% block breadcrumbs %}
<div class="breadcrumbs">
<a href="{% url 'admin:index' %}">{% translate 'Home' %}</a>
&rsaquo; <a href="{% url 'admin:app_list' app_label=opts.app_label %}">
{{ opts.app_config.verbose_name }}</a>
&rsaquo; <a href="{% url opts|admin_urlname:'changelist' %}">
{{ opts.verbose_name_plural|capfirst }}</a>
&rsaquo; Fusionner
</div>
{% endblock %}
{% block content %}
<p>Ces participants seront fusionnés en un seul. Choisissez celui qui reste :
ses articles, commentaires et graphies reçoivent ceux des autres, puis les autres
sont supprimés. Une réimportation enverra les mêmes graphies au participant choisi.</p>
<form method="post">{% csrf_token %}
<table>
<thead><tr><th>Reste</th><th>Nom</th><th>Clé</th><th>Graphies</th>
<th>Commentaires</th><th>Articles</th></tr></thead>
<tbody>
{% for p in participants %}
<tr>
<td><input type="radio" name="survivor" value="{{ p.pk }}" id="survivor-{{ p.pk }}"
{% if p.pk == default_survivor %}checked{% endif %}></td>
<td><label for="survivor-{{ p.pk }}">{{ p.name }}</label></td>
<td>{{ p.key }}</td>
<td>{% for a in p.aliases.all %}{{ a.name }}{% if not forloop.last %}, {% endif %}{% endfor %}</td>
<td>{{ p.n_all_comments }}</td>
<td>{{ p.n_all_articles }}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% for p in participants %}
<input type="hidden" name="{{ action_checkbox_name }}" value="{{ p.pk }}">
{% endfor %}
<input type="hidden" name="action" value="merge_participants">
<input type="hidden" name="post" value="yes">
<div class="submit-row">
<input type="submit" value="Fusionner">
<a href="{% url opts|admin_urlname:'changelist' %}" class="button cancel-link">Annuler</a>
</div>
</form>
{% endblock %}
"""
)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "scope", "handle", "spellings", "n_comments", "n_articles"]
    search_fields = ["name", "key", "aliases__name"]
    readonly_fields = ["key", "scope", "disqus_username", "contributions"]
    fields = [
        "name", "slug", "key", "scope", "handle", "website", "disqus_username", "contributions"
    ]  # fmt: skip
    inlines = [AliasInline]
    actions = ["merge_participants"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # Every comment and article, hidden ones included (the stored
            # Participant.n_comments and n_articles count public ones).
            .annotate(
                n_all_comments=Count("comments", distinct=True),
                n_all_articles=Count("articles", distinct=True),
            )
            .prefetch_related("aliases")
        )

    def save_model(self, request, obj, form, change):
        if not obj.key:
            obj.key = spelling_key(obj.name)
        obj.website_key = website_key(obj.website)  # the importer joins people on it
        super().save_model(request, obj, form, change)

    @admin.display(description="graphies")
    def spellings(self, obj: Participant) -> str:
        return ", ".join(a.name for a in obj.aliases.all())

    @admin.display(description="commentaires", ordering="n_all_comments")
    def n_comments(self, obj: Participant) -> int:
        return obj.n_all_comments

    @admin.display(description="articles", ordering="n_all_articles")
    def n_articles(self, obj: Participant) -> int:
        return obj.n_all_articles

    @admin.display(description="contributions")
    def contributions(self, obj: Participant) -> str:
        if obj.pk is None:
            return "—"
        comments = reverse("admin:threads_comment_changelist") + f"?author__id__exact={obj.pk}"
        articles = reverse("admin:threads_article_changelist") + f"?author__id__exact={obj.pk}"
        return format_html(
            '<a href="{}">{} commentaire(s)</a> · <a href="{}">{} article(s)</a>',
            comments,
            obj.comments.count(),
            articles,
            obj.articles.count(),
        )

    @admin.action(
        description="Fusionner les participants choisis…", permissions=["change", "delete"]
    )
    def merge_participants(self, request, queryset):
        participants = list(queryset.order_by("-n_all_comments", "-n_all_articles", "pk"))
        if len(participants) < 2:
            self.message_user(
                request, "Choisissez au moins deux participants à fusionner.", messages.WARNING
            )
            return None
        if request.POST.get("post") == "yes":
            chosen = request.POST.get("survivor", "")
            survivor = next((p for p in participants if str(p.pk) == chosen), None)
            if survivor is None:
                self.message_user(request, "Choisissez le participant qui reste.", messages.ERROR)
            else:
                try:
                    report = merge_participants(survivor, participants, request.user)
                except MergeError as error:
                    self.message_user(request, str(error), messages.ERROR)
                    return None
                self.message_user(request, f"Fusion faite : {report}.", messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Fusionner des participants",
            "opts": self.model._meta,
            "participants": participants,
            "default_survivor": participants[0].pk,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, MERGE_TEMPLATE, context)


def _blog_names(scopes) -> dict[str, str]:
    return dict(Blog.objects.filter(key__in=set(scopes)).values_list("key", "name"))


@admin.register(MergeCandidate)
class MergeCandidateAdmin(admin.ModelAdmin):
    """A name of one word seen on two blogs: the import kept two participants. Confirming
    merges them (the usual merge, in the history); rejecting keeps them apart for good,
    since a re-import never proposes the same name on the same two blogs again."""

    list_display = ["key", "participant_a", "participant_b", "status", "decided", "created_at"]
    list_filter = ["status"]
    search_fields = ["key"]
    readonly_fields = [
        "key", "participant_a", "participant_b", "status", "created_at", "decided",
    ]  # fmt: skip
    fields = readonly_fields
    actions = ["confirm", "reject"]

    def has_add_permission(self, request) -> bool:
        return False  # proposed by the import only

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        page = changelist.result_list
        self._people = page.participants() if hasattr(page, "participants") else {}
        self._blogs = _blog_names(s for c in page for s in (c.scope_a, c.scope_b))
        return changelist

    def _side(self, obj: MergeCandidate, index: int) -> str:
        people = getattr(self, "_people", {}).get(obj.pk)
        if people is None:
            people = MergeCandidate.objects.filter(pk=obj.pk).participants()[obj.pk]
        scope = (obj.scope_a, obj.scope_b)[index]
        blogs = getattr(self, "_blogs", None) or _blog_names([scope])
        participant = people[index]
        if participant is None:
            return f"— ({blogs.get(scope, scope)})"
        url = reverse("admin:people_participant_change", args=[participant.pk])
        return format_html(
            '<a href="{}">{}</a> ({})', url, participant.name, blogs.get(scope, scope)
        )

    @admin.display(description="participant du blog A")
    def participant_a(self, obj: MergeCandidate) -> str:
        return self._side(obj, 0)

    @admin.display(description="participant du blog B")
    def participant_b(self, obj: MergeCandidate) -> str:
        return self._side(obj, 1)

    @admin.display(description="décision")
    def decided(self, obj: MergeCandidate) -> str:
        if not obj.decided_at:
            return "—"
        return f"{obj.decided_by_name or '?'}, {obj.decided_at:%Y-%m-%d %H:%M}"

    def _decide(self, obj: MergeCandidate, status: str, user) -> None:
        obj.status = status
        obj.decided_at = timezone.now()
        obj.decided_by = user
        obj.decided_by_name = user.get_username()
        obj.save(update_fields=["status", "decided_at", "decided_by", "decided_by_name"])
        bump_archive_version()

    @admin.action(description="Confirmer : fusionner les deux participants", permissions=["change"])
    def confirm(self, request, queryset):
        candidates = list(queryset.filter(status=MergeCandidate.Status.PENDING))
        people = MergeCandidate.objects.filter(pk__in=[c.pk for c in candidates]).participants()
        done = 0
        for candidate in candidates:
            a, b = people[candidate.pk]
            if a is None or b is None:
                self.message_user(
                    request, f"{candidate.key} : un des participants n’existe plus.", messages.ERROR
                )
                continue
            if a.pk != b.pk:
                # The survivor is the one with more contributions; ties go to blog A.
                ranked = sorted([a, b], key=lambda p: -(p.comments.count() + p.articles.count()))
                try:
                    merge_participants(ranked[0], ranked[1:], request.user)
                except MergeError as error:
                    self.message_user(request, f"{candidate.key} : {error}", messages.ERROR)
                    continue
            self._decide(candidate, MergeCandidate.Status.CONFIRMED, request.user)
            done += 1
        if done:
            self.message_user(request, f"{done} fusion(s) confirmée(s).", messages.SUCCESS)

    @admin.action(description="Rejeter : ce sont deux personnes", permissions=["change"])
    def reject(self, request, queryset):
        candidates = list(queryset.filter(status=MergeCandidate.Status.PENDING))
        for candidate in candidates:
            self._decide(candidate, MergeCandidate.Status.REJECTED, request.user)
        if candidates:
            self.message_user(
                request, f"{len(candidates)} proposition(s) rejetée(s).", messages.SUCCESS
            )
