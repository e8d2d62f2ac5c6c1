"""What one file's load did, as the import command reports it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LoadReport:
    format: str = ""
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    comments_new: int = 0
    comments_updated: int = 0
    comments_unchanged: int = 0
    comments_deleted: int = 0
    comments_kept_curated: int = 0
    participants_new: int = 0
    history_new: int = 0  # curation events an archive brought
    merge_decisions_new: int = 0  # merge candidates or decisions an archive brought
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # (article id, origin) of every thread this file reconciled: what it holds.
    threads: list[tuple[int, str]] = field(default_factory=list)
    # True when the file was recognised as unchanged by its sha256 and not parsed.
    recognised: bool = False
    # Participants whose stored blogs and answer lists are still to be recomputed (a run
    # of many files does that once, at its end: import_dump).
    lists_pending: set[int] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(
            self.articles_new or self.articles_updated or self.comments_new
            or self.comments_updated or self.comments_deleted or self.participants_new
        )  # fmt: skip

    def as_counts(self) -> dict[str, int]:
        return {
            "articles": self.articles_new + self.articles_updated + self.articles_unchanged,
            "comments": self.comments_new + self.comments_updated + self.comments_unchanged,
            "skipped": sum(self.skipped.values()),
        }
