"""The benchmark's generator writes what the importers accept (fast: no database)."""

from __future__ import annotations

import json
from pathlib import Path

from bench import generate
from importers import archive_json, formats


def test_archives_validate_parse_and_have_the_shape(tmp_path: Path) -> None:
    gen = generate.Generator(1_500, seed=3)
    paths = generate.write_archives(gen, tmp_path, per_file=600)
    assert len(paths) >= 2
    total, levels, kinds, blogs_of = 0, set(), set(), {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text)
        assert archive_json.problems(doc) == []
        dump = archive_json.parse(text)
        total += sum(len(a.comments) for a in dump.articles)
        for article in doc["articles"]:
            by_id = {c["id"]: c for c in article["comments"]}
            for c in article["comments"]:
                kinds.add(c["kind"])
                level, parent = 0, c["parent"]
                while parent is not None:
                    level, parent = level + 1, by_id[parent]["parent"]
                levels.add(level)
                if c["author_slug"]:
                    blogs_of.setdefault(c["author_slug"], set()).add(article["blog"]["key"])
    assert total == 1_500
    assert {0, 1, 2} <= levels and {"comment", "pingback"} <= kinds
    assert any(len(blogs) > 1 for blogs in blogs_of.values())  # people travel across blogs
    assert "é" in paths[0].read_text(encoding="utf-8")


def test_deterministic_by_seed(tmp_path: Path) -> None:
    first = generate.write_archives(generate.Generator(300, seed=5), tmp_path / "a", 10_000)
    again = generate.write_archives(generate.Generator(300, seed=5), tmp_path / "b", 10_000)
    assert first[0].read_bytes() == again[0].read_bytes()


def test_threads_and_wxr(tmp_path: Path) -> None:
    gen = generate.Generator(200, seed=1)
    slugs = generate.write_threads(gen, tmp_path / "threads.json")
    assert sorted(slugs) == [100, 1_000, 10_000]
    assert archive_json.problems(json.loads((tmp_path / "threads.json").read_text())) == []
    generate.write_wxr(generate.Generator(300, seed=2), tmp_path / "b.xml", 300)
    dump = formats.parse_xml_bytes((tmp_path / "b.xml").read_bytes())
    assert sum(len(a.comments) for a in dump.articles) == 300
