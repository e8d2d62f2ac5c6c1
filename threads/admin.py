from django.contrib import admin
from mptt.admin import MPTTModelAdmin

from threads.models import Article, Blog, Comment, ImportSource


@admin.register(Blog)
class BlogAdmin(admin.ModelAdmin):
    list_display = ["name", "url"]


@admin.register(ImportSource)
class ImportSourceAdmin(admin.ModelAdmin):
    list_display = ["file_name", "format", "imported_at", "sha256"]
    readonly_fields = ["file_name", "sha256", "format", "imported_at", "counts"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "blog", "author", "published_at", "position"]
    list_filter = ["blog", "position", "is_public"]
    search_fields = ["title", "body"]
    raw_id_fields = ["author"]


@admin.register(Comment)
class CommentAdmin(MPTTModelAdmin):
    list_display = ["__str__", "article", "author", "posted_at", "kind", "stance"]
    list_filter = ["stance", "stance_source", "kind", "article__blog"]
    search_fields = ["body", "author_as_written"]
    raw_id_fields = ["author", "parent", "article"]
