"""Suggest a stance for every comment that has no curated one, or (--evaluate) measure the
suggestions against the curated labels. See threads/stance.py for how the classifier works."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.core.management.base import BaseCommand, CommandError

from threads.models import Article, Comment, Stance, StanceSource
from threads.stance import LABELS, Scores, classify, score

AUTO_FIELDS = ["stance", "stance_source", "auto_stance", "auto_confidence", "auto_cues"]


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
            "pk", "body", "kind", *AUTO_FIELDS
        )
        changed, labels, total = [], Counter(), 0
        for comment in todo.iterator(chunk_size=2000):
            total += 1
            suggestion = classify(comment.body, comment.kind)
            labels[suggestion.label] += 1
            new = {
                "stance": suggestion.label,
                "stance_source": StanceSource.AUTO,
                "auto_stance": suggestion.label,
                "auto_confidence": suggestion.confidence,
                "auto_cues": suggestion.cues,
            }
            if any(getattr(comment, name) != value for name, value in new.items()):
                for name, value in new.items():
                    setattr(comment, name, value)
                changed.append(comment)
        Comment.objects.bulk_update(changed, AUTO_FIELDS, batch_size=500)
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
        pairs: list[tuple[str, str]] = []
        by_text: dict[str, list[tuple[str, str]]] = defaultdict(list)
        unjudged = 0
        for comment in curated.order_by("article_id", "position"):
            if comment.stance not in LABELS:  # "unknown": curated as not judged
                unjudged += 1
                continue
            # Blind: only the body and the kind go in; the label is compared afterwards.
            guess = classify(comment.body, comment.kind).label
            pairs.append((comment.stance, guess))
            source = comment.article.source
            by_text[source.file_name if source else comment.article.slug].append(
                (comment.stance, guess)
            )
        if not pairs:
            self.stdout.write("No curated comment to evaluate against.")
            return
        result = score(pairs)
        self.stdout.write(
            f"Blind evaluation: {len(pairs)} curated comments in {len(by_text)} texts, "
            f"classified from their text and kind only"
            + (f" ({unjudged} curated as {Stance.UNKNOWN} left out)" if unjudged else "")
            + "."
        )
        self.stdout.write("")
        self._matrix(result)
        self.stdout.write("")
        self._per_label(result)
        self.stdout.write("")
        self.stdout.write(f"accuracy: {result.accuracy:.3f} ({result.correct}/{result.total})")
        self.stdout.write(f"macro-F1: {result.macro_f1:.3f}")
        if len(by_text) > 1:
            self.stdout.write("")
            self.stdout.write("Per text:")
            width = max(len(name) for name in by_text)
            for name, text_pairs in by_text.items():
                part = score(text_pairs)
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
