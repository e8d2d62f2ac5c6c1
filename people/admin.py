"""Participants in the admin: their spellings inline, and the merge of participants that are
one person, with a confirmation page to choose the survivor."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import Count
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from people.merge import MergeError, merge_participants
from people.models import Participant, ParticipantAlias
from people.names import normalize_key, split_handle


class AliasForm(forms.ModelForm):
    class Meta:
        model = ParticipantAlias
        fields = ["name"]

    def save(self, commit=True):
        # The key is what the importer matches spellings on; it follows the name.
        self.instance.key = normalize_key(split_handle(self.cleaned_data["name"])[0])
        return super().save(commit)


class AliasInline(admin.TabularInline):
    model = ParticipantAlias
    form = AliasForm
    fields = ["name", "key"]
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
<td>{{ p.n_comments }}</td>
<td>{{ p.n_articles }}</td>
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
    list_display = ["name", "key", "handle", "spellings", "n_comments", "n_articles"]
    search_fields = ["name", "key", "aliases__name"]
    readonly_fields = ["key", "contributions"]
    fields = ["name", "slug", "key", "handle", "website", "contributions"]
    inlines = [AliasInline]
    actions = ["merge_participants"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_comments=Count("comments", distinct=True),
                n_articles=Count("articles", distinct=True),
            )
            .prefetch_related("aliases")
        )

    def save_model(self, request, obj, form, change):
        if not obj.key:
            obj.key = normalize_key(split_handle(obj.name)[0])
        super().save_model(request, obj, form, change)

    @admin.display(description="graphies")
    def spellings(self, obj: Participant) -> str:
        return ", ".join(a.name for a in obj.aliases.all())

    @admin.display(description="commentaires", ordering="n_comments")
    def n_comments(self, obj: Participant) -> int:
        return obj.n_comments

    @admin.display(description="articles", ordering="n_articles")
    def n_articles(self, obj: Participant) -> int:
        return obj.n_articles

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
        participants = list(queryset.order_by("-n_comments", "-n_articles", "pk"))
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
