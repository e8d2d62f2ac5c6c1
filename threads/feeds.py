"""Atom feeds: the latest articles, and the comments of one thread.

Entry summaries are sent as ``type="html"``: the plain-text snippet is HTML-escaped here,
then XML-escaped by the feed writer, so a reader shows a "<script>" in a comment as text.
Titles and author names are Atom text constructs: the writer's escaping is the only one."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from threads.models import Article, Comment
from threads.templatetags.cmforum import snippet, who

FEED_ITEMS = 50


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("cmforum : derniers articles")

    def subtitle(self):
        return _("Les articles archivés du débat sur le métier de community manager.")

    def link(self):
        return reverse("threads:home")

    def items(self):
        return (
            Article.objects.public()
            .select_related("blog", "author", "source")
            .newest_first()[:FEED_ITEMS]
        )

    def item_title(self, item: Article):
        return item.title

    def item_description(self, item: Article):
        return escape(snippet(item.body, 600))

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.published_at or (item.source.imported_at if item.source else None)

    def item_author_name(self, item: Article):
        return item.author.name if item.author else item.blog.name

    def item_categories(self, item: Article):
        return [item.blog.name]


class ThreadCommentsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.public(), slug=slug)

    def title(self, obj: Article):
        return _("Commentaires sur « %(title)s »") % {"title": obj.title}

    def link(self, obj: Article):
        return obj.get_absolute_url()

    def subtitle(self, obj: Article):
        return _("Les commentaires du fil, les plus récents d’abord.")

    def items(self, obj: Article):
        return (
            Comment.objects.public()
            .filter(article=obj)
            .select_related("author", "article", "article__source")
            .newest_first()[:FEED_ITEMS]
        )

    def item_title(self, item: Comment):
        return _("%(name)s sur « %(title)s »") % {"name": who(item), "title": item.article.title}

    def item_description(self, item: Comment):
        return escape(snippet(item.body, 800))

    def item_link(self, item: Comment):
        return f"{item.article.get_absolute_url()}#c{item.pk}"

    def item_pubdate(self, item: Comment):
        return item.posted_at

    def item_updateddate(self, item: Comment):
        # Atom wants an <updated> on every entry: undated comments get their import date.
        source = item.article.source
        return item.posted_at or (source.imported_at if source else None)

    def item_author_name(self, item: Comment):
        return who(item)
