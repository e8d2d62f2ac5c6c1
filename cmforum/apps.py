from django.apps import AppConfig


class CmforumConfig(AppConfig):
    name = "cmforum"

    def ready(self) -> None:
        # In every process that writes (server, import_dump, shell), so that any save of
        # public data invalidates the page cache.
        from cmforum.cache import connect_signals

        connect_signals()
