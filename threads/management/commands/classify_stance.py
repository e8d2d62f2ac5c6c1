"""Suggest a stance for every comment that has no curated one, or (--evaluate) measure the
suggestions against the curated labels. See threads/stance.py for how the classifier works."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cmforum.cache import bump_archive_version
from threads import aggregates
from threads.models import Article, Comment, Stance, StanceSource
from threads.stance import (
    AUTO_FIELDS,
    LABELS,
    PRIORS,
    Scores,
    classify,
    fit_priors,
    format_priors,
    leave_one_text_out,
    score,
    suggest,
)


class Command(BaseCommand):
    help = (
        "Suggest a stance (stance_source=auto) for every comment without a curated one; "
        "curated comments are never touched. With --evaluate, classify the curated comments "
        "blind and compare with their labels instead (writes nothing)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--article", metavar="SLUG", help="only this article's comments")
        parser.add_argument(
            "--evaluate",
            action="store_true",
            help="print the confusion matrix, precision/recall/F1, accuracy and macro-F1 of "
            "the suggestions against the curated labels; writes nothing",
        )

    def handle(self, *args, article: str | None = None, evaluate: bool = False, **options):
        comments = Comment.objects.all()
        if article:
            if not Article.objects.filter(slug=article).exists():
                raise CommandError(f"no article with slug {article!r}")
            comments = comments.filter(article__slug=article)
        if evaluate:
            self._evaluate(comments)
        else:
            self._label(comments)

    # --- labelling ---------------------------------------------------------------------

    def _label(self, comments) -> None:
        curated = comments.filter(stance_source=StanceSource.CURATED).count()
        todo = comments.exclude(stance_source=StanceSource.CURATED).only(
            "pk", "article_id", "body", "kind", *AUTO_FIELDS
        )
        changed, labels, total = [], Counter(), 0
        for comment in todo.iterator(chunk_size=2000):
            total += 1
            if suggest(comment):
                changed.append(comment)
            labels[comment.stance] += 1
        Comment.objects.bulk_update(changed, AUTO_FIELDS, batch_size=500)
        if changed:
            bump_archive_version()  # bulk_update sends no signal
        aggregates.refresh_articles({c.article_id for c in changed})  # the stance counts
        counts = ", ".join(f"{labels[label]} {label}" for label in LABELS)
        self.stdout.write(
            f"{total} comments classified ({counts}): {len(changed)} changed, "
            f"{total - len(changed)} unchanged; {curated} curated left as they are."
        )

    # --- evaluation --------------------------------------------------------------------

    def _evaluate(self, comments) -> None:
        curated = comments.filter(stance_source=StanceSource.CURATED).select_related(
            "article__source"
        )
        # Per text (file stem): the comments' body, kind and curated label. Only body and
        # kind go to the classifier; the label is compared afterwards.
        texts: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        unjudged = 0
        for comment in curated.order_by("article_id", "position"):
            if comment.stance not in LABELS:  # curated as "unknown": not judged
                unjudged += 1
                continue
            source = comment.article.source
            key = Path(source.file_name).stem if source else comment.article.slug
            texts[key].append((comment.body, comment.kind, comment.stance))
        if not texts:
            self.stdout.write("No curated comment to evaluate against.")
            return
        n = sum(len(rows) for rows in texts.values())
        left_out = f"; {unjudged} curated as {Stance.UNKNOWN} left out" if unjudged else ""
        self.stdout.write(
            f"{n} curated comments in {len(texts)} texts, classified blind (body and kind "
            f"only){left_out}. Labels: {', '.join(LABELS)}."
        )

        shipped = {
            key: [(label, classify(body, kind).label) for body, kind, label in rows]
            for key, rows in texts.items()
        }
        self._report(
            "1. Shipped classifier (in-sample: its tuning and priors saw these labels)",
            shipped,
        )
        if len(texts) > 1:
            self._report(
                "2. Leave-one-text-out (the honest figure: each text classified with the "
                "changes made for it alone undone and priors fitted on the other texts)",
                leave_one_text_out(texts),
            )
        refitted = fit_priors(row for rows in texts.values() for row in rows)
        self.stdout.write("")
        self.stdout.write(f"Priors for comments with no cue: shipped {format_priors(PRIORS)}")
        if refitted != PRIORS:
            self.stdout.write(
                f"  refitted on these labels: {format_priors(refitted)} -- differs: "
                "update PRIORS in threads/stance.py"
            )

    def _report(self, title: str, by_text: dict[str, list[tuple[str, str]]]) -> None:
        pairs = [pair for rows in by_text.values() for pair in rows]
        result = score(pairs)
        self.stdout.write("")
        self.stdout.write(f"== {title}")
        self.stdout.write("")
        self._matrix(result)
        self.stdout.write("")
        self._per_label(result)
        self.stdout.write("")
        self.stdout.write(f"accuracy: {result.accuracy:.3f} ({result.correct}/{result.total})")
        self.stdout.write(f"macro-F1: {result.macro_f1:.3f}")
        if len(by_text) > 1:
            width = max(len(name) for name in by_text)
            for name, rows in by_text.items():
                part = score(rows)
                self.stdout.write(
                    f"  {name:<{width}}  {part.total:>4} comments  "
                    f"accuracy {part.accuracy:.3f}  macro-F1 {part.macro_f1:.3f}"
                )

    def _matrix(self, result: Scores) -> None:
        labels = result.labels
        self.stdout.write("Confusion matrix (rows: curated, columns: suggested):")
        width = max(len(label) for label in labels) + 2
        self.stdout.write(" " * width + "".join(f"{label:>{width}}" for label in labels))
        for gold in labels:
            row = "".join(f"{result.confusion[gold][guess]:>{width}}" for guess in labels)
            self.stdout.write(f"{gold:<{width}}{row}")

    def _per_label(self, result: Scores) -> None:
        self.stdout.write(f"{'label':<10}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}")
        for label in result.labels:
            self.stdout.write(
                f"{label:<10}{result.precision[label]:>10.3f}{result.recall[label]:>8.3f}"
                f"{result.f1[label]:>7.3f}{result.support[label]:>9}"
            )
