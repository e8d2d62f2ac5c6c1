from django.contrib import admin

from people.models import Participant, ParticipantAlias


class AliasInline(admin.TabularInline):
    model = ParticipantAlias
    extra = 0


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "handle"]
    search_fields = ["name", "aliases__name"]
    inlines = [AliasInline]
