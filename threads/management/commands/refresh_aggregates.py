"""Recompute every stored aggregate (threads.aggregates), e.g. after a raw SQL change."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from threads import aggregates


class Command(BaseCommand):
    help = "Recompute the stored per-article and per-participant counts."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            aggregates.refresh_all()
        self.stdout.write("aggregates refreshed")
