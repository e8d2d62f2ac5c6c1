from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ThreadsConfig(AppConfig):
    name = "threads"
    verbose_name = "Articles et commentaires"

    def ready(self) -> None:
        from threads.search import ensure_fts

        # SQLite's FTS triggers vanish when a migration remakes a table: put them back.
        post_migrate.connect(ensure_fts, sender=self, dispatch_uid="threads.ensure_fts")
