"""`manage.py classify_stance`: suggestions for comments without a curated stance, never
touching curated ones; `--evaluate` against the curated labels of the five texts. Expected
figures are computed here from the curated labels and classify(), not copied from output."""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import FIXTURES
from threads.models import Article, Blog, Comment
from threads.stance import LABELS, classify, fit_priors

pytestmark = pytest.mark.django_db

STANCE_FIELDS = [
    "stance", "stance_source", "stance_cue", "stance_curated_at", "stance_curated_via",
    "auto_stance", "auto_confidence", "auto_cues",
]  # fmt: skip


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("classify_stance", *args, stdout=out)
    return out.getvalue()


def article(slug: str) -> Article:
    blog, _ = Blog.objects.get_or_create(name="Blog de test")
    return Article.objects.create(blog=blog, title=slug, slug=slug, source_key=f"title:{slug}")


def add(where: Article, position: int, body: str, kind: str = "comment", **fields) -> Comment:
    return Comment.objects.create(
        article=where,
        position=position,
        body=body,
        kind=kind,
        content_hash=str(position),
        **fields,
    )


def stance_values(comment: Comment) -> dict:
    comment.refresh_from_db()
    return {name: getattr(comment, name) for name in STANCE_FIELDS}


SUMMARY = re.compile(
    r"^(\d+) comments classified \((\d+) agree, (\d+) disagree, (\d+) nuanced, (\d+) neutral\): "
    r"(\d+) changed, (\d+) unchanged; (\d+) curated left as they are\.$",
    re.M,
)


# --- labelling --------------------------------------------------------------------------------


def test_labels_only_comments_without_a_curated_stance():
    a = article("a")
    agree = add(a, 0, "Tout à fait d’accord !")
    curated = add(
        a, 1, "Excellent article, bravo !", stance="disagree", stance_source="curated",
        stance_cue="bravo", stance_curated_via="fixtures/metadata/stance/x.json",
    )  # fmt: skip
    tweet = add(a, 2, "RT @crouzet: Les CM sont des putes http://bit.ly/x", kind="tweet")
    stale = add(
        a, 3, "Je ne suis pas d'accord.", stance="agree", stance_source="auto",
        auto_stance="agree", auto_confidence=0.9, auto_cues=["old"],
    )  # fmt: skip
    reply = add(a, 4, "Ceci dit je poserai un bémol.", parent=agree)
    before = stance_values(curated)

    out = run()

    suggested = [agree, tweet, stale, reply]
    expected = {c.pk: classify(c.body, c.kind) for c in suggested}
    for comment in suggested:
        comment.refresh_from_db()
        suggestion = expected[comment.pk]
        assert comment.stance == comment.auto_stance == suggestion.label
        assert comment.stance_source == "auto"
        assert comment.auto_confidence == suggestion.confidence
        assert comment.auto_cues == suggestion.cues
    assert stance_values(curated) == before  # its text would be "agree": untouched
    assert [stance_values(c)["stance"] for c in suggested] == [
        "agree", "neutral", "disagree", "nuanced",
    ]  # fmt: skip
    assert stance_values(agree)["auto_cues"] == ["Tout à fait d’accord"]

    counts = Counter(s.label for s in expected.values())
    summary = SUMMARY.search(out)
    assert summary, out
    assert [int(g) for g in summary.groups()] == [
        4, counts["agree"], counts["disagree"], counts["nuanced"], counts["neutral"], 4, 0, 1,
    ]  # fmt: skip

    # A second run changes nothing.
    again = SUMMARY.search(run())
    assert [int(g) for g in again.groups()][5:] == [0, 4, 1]


def test_article_option_limits_the_run():
    a, b = article("a"), article("b")
    in_a = add(a, 0, "Bravo !")
    in_b = add(b, 0, "Bravo !")
    out = run("--article", "a")
    assert SUMMARY.search(out).group(1) == "1"
    assert stance_values(in_a)["stance_source"] == "auto"
    assert stance_values(in_b)["stance"] == "unknown"
    assert stance_values(in_b)["stance_source"] == ""
    with pytest.raises(CommandError, match="no article with slug 'nope'"):
        run("--article", "nope")


def test_labels_in_bulk(django_assert_max_num_queries):
    a = article("a")
    for i in range(120):
        add(a, i, f"Commentaire {i} : tout à fait d'accord !" if i % 2 else f"Question {i} ?")
    # count, select, one bulk update; then the stance counts: counted, stored, one write
    with django_assert_max_num_queries(6):
        out = run()
    assert SUMMARY.search(out).group(6) == "120"
    assert Comment.objects.filter(stance_source="auto").count() == 120


# --- evaluation -------------------------------------------------------------------------------


def sections(out: str) -> dict[str, str]:
    """Output split at its "== N. title" headings, keyed by N."""
    parts = re.split(r"^== (\d)\. .*$", out, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def parse(section: str) -> dict:
    matrix, table = {}, {}
    for line in section.splitlines():
        cells = line.split()
        if cells and cells[0] in LABELS and len(cells) == 5:
            if all(c.isdigit() for c in cells[1:]):
                matrix[cells[0]] = [int(c) for c in cells[1:]]
            else:
                table[cells[0]] = (*cells[1:4], int(cells[4]))
    accuracy = re.search(r"^accuracy: (\d\.\d{3}) \((\d+)/(\d+)\)$", section, re.M)
    macro = re.search(r"^macro-F1: (\d\.\d{3})$", section, re.M)
    return {
        "matrix": matrix,
        "table": table,
        "accuracy": (accuracy.group(1), int(accuracy.group(2)), int(accuracy.group(3))),
        "macro": macro.group(1),
    }


def figures(pairs: list[tuple[str, str]]) -> dict:
    """The expected figures, computed here from scratch."""
    counts = Counter(pairs)
    matrix = {g: [counts[(g, p)] for p in LABELS] for g in LABELS}
    table, f1s = {}, []
    for label in LABELS:
        tp = counts[(label, label)]
        predicted = sum(counts[(g, label)] for g in LABELS)
        support = sum(counts[(label, p)] for p in LABELS)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[label] = (f"{precision:.3f}", f"{recall:.3f}", f"{f1:.3f}", support)
        if support or predicted:
            f1s.append(f1)
    correct = sum(counts[(label, label)] for label in LABELS)
    return {
        "matrix": matrix,
        "table": table,
        "accuracy": (f"{correct / len(pairs):.3f}", correct, len(pairs)),
        "macro": f"{sum(f1s) / len(f1s):.3f}",
    }


@pytest.fixture
def curated_texts():
    call_command("import_dump", str(FIXTURES), verbosity=0)
    # One curated comment marked "not judged": evaluation must leave it out.
    unjudged = Comment.objects.filter(stance_source="curated").order_by("pk").first()
    unjudged.stance = "unknown"
    unjudged.save(update_fields=["stance"])
    texts: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for c in Comment.objects.filter(stance_source="curated").select_related("article__source"):
        if c.stance in LABELS:
            texts[Path(c.article.source.file_name).stem].append((c.body, c.kind, c.stance))
    return texts


def test_evaluate_prints_the_confusion_matrix_and_figures(curated_texts):
    assert len(curated_texts) >= 2, "the curated annotations of the fixtures are missing"
    before = list(Comment.objects.order_by("pk").values("pk", *STANCE_FIELDS))

    out = run("--evaluate")

    n = sum(len(rows) for rows in curated_texts.values())
    assert out.startswith(
        f"{n} curated comments in {len(curated_texts)} texts, classified blind (body and kind "
        f"only); 1 curated as unknown left out."
    )
    assert "Confusion matrix (rows: curated, columns: suggested):" in out
    header = "agree  disagree   nuanced   neutral"
    assert out.count(header) == 2
    found = sections(out)
    assert set(found) == {"1", "2"}

    # 1. The shipped classifier, blind: body and kind only.
    shipped = [
        (label, classify(body, kind).label)
        for rows in curated_texts.values()
        for body, kind, label in rows
    ]
    assert parse(found["1"]) == figures(shipped)

    # 2. Leave-one-text-out: changes made for a text alone undone, priors from the others.
    loto = []
    for key, rows in curated_texts.items():
        others = [row for other, more in curated_texts.items() if other != key for row in more]
        priors = fit_priors(others, withhold={key})
        loto += [
            (label, classify(body, kind, priors=priors, withhold={key}).label)
            for body, kind, label in rows
        ]
    assert parse(found["2"]) == figures(loto)

    # Per-text lines, in both sections.
    for key, rows in curated_texts.items():
        part = figures([(label, classify(body, kind).label) for body, kind, label in rows])
        line = re.search(
            rf"^  {key}\s+(\d+) comments  accuracy (\S+)  macro-F1 (\S+)$", found["1"], re.M
        )
        assert line and line.groups() == (str(len(rows)), part["accuracy"][0], part["macro"])

    assert "Priors for comments with no cue: shipped" in out
    # Evaluation writes nothing.
    assert list(Comment.objects.order_by("pk").values("pk", *STANCE_FIELDS)) == before


def test_evaluate_one_article(curated_texts):
    key = max(curated_texts, key=lambda k: len(curated_texts[k]))
    slug = Article.objects.get(source__file_name=f"{key}.txt").slug
    out = run("--evaluate", "--article", slug)
    rows = curated_texts[key]
    assert f"{len(rows)} curated comments in 1 texts" in out
    found = sections(out)
    assert set(found) == {"1"}  # no leave-one-text-out with a single text
    assert parse(found["1"]) == figures(
        [(label, classify(body, kind).label) for body, kind, label in rows]
    )


def test_evaluate_without_curated_comments():
    add(article("a"), 0, "Bravo !")
    assert run("--evaluate").strip() == "No curated comment to evaluate against."
    assert Comment.objects.get().stance == "unknown"
