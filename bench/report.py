"""docs/benchmarks.md from bench/run.py's figures: each beside its reference and its target
from issue 13, met or missed by how much."""

from __future__ import annotations

from pathlib import Path

IMPORT_RATE = 25_000  # comments/s, end to end
IMPORT_RSS = 250  # MB peak
REIMPORT_RATE = 100_000
THREAD_1K_MS, THREAD_1K_RATIO, THREAD_10K_MS, THREAD_QUERIES = 30, 3, 250, 5
LIST_P95_MS, SEARCH_P95_MS, SQLITE_P95_MS = 50, 100, 100
LOAD_THREAD, LOAD_THREAD_CACHED, LOAD_COMMENTS = 500, 2_000, 300


def at_least(value: float, target: float) -> str:
    if value >= target:
        return "**met**"
    if value <= 0:
        return "missed (no figure)"
    return f"missed: {_times(target / value)} short"


def at_most(value: float, target: float) -> str:
    if value <= target:
        return "**met**"
    return f"missed: {_times(value / target)} over"


def _times(ratio: float) -> str:
    return f"{ratio:.2f}×" if ratio < 1.1 else f"{ratio:.1f}×"  # "1.0× over" says nothing


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def rate(n: float, seconds: float) -> float:
    return n / seconds if seconds else 0.0


def import_rows(results: dict) -> list[str]:
    rows = [
        "| what | cmforum | reference, same run | target | verdict |",
        "|---|---|---|---|---|",
    ]
    entries = [(f"{int(size):,} comments, PostgreSQL", int(size), e)
               for size, e in results["sizes"].items()]  # fmt: skip
    if results.get("sqlite"):
        e = results["sqlite"]
        entries.append((f"{e['size']:,} comments, SQLite", e["size"], e))
    for label, size, e in entries:
        first, again, ref = e["import"], e["reimport"], e.get("reference")
        mb = e["bytes"] / 2**20
        if not first["ok"]:
            rows.append(f"| import, {label} | failed ({first.get('error', first.get('rc'))}) "
                        "| | | see the log |")  # fmt: skip
            continue
        cps = rate(size, first["seconds"])
        ref_text = "—"
        if ref:
            ref_rate = rate(ref["rows"], ref["seconds"])
            kind = "COPY" if "PostgreSQL" in label else "executemany"
            ref_text = f"{kind}: {ref_rate:,.0f} rows/s ({ref_rate / cps:.0f}× faster)"
        rows.append(
            f"| import, {label} ({e['files']} file(s), {mb:,.0f} MB) | {first['seconds']:.1f} s, "
            f"**{cps:,.0f} comments/s** | {ref_text} | ≥ {IMPORT_RATE:,}/s | "
            f"{at_least(cps, IMPORT_RATE)} |"
        )
        rows.append(
            f"| peak RSS of that import | **{first['rss_mb']:,.0f} MB** | | ≤ {IMPORT_RSS} MB | "
            f"{at_most(first['rss_mb'], IMPORT_RSS)} |"
        )
        if again["ok"]:
            rcps = rate(size, again["seconds"])
            rows.append(
                f"| unchanged re-import, {label} | {again['seconds']:.1f} s, "
                f"**{rcps:,.0f} comments/s**, RSS {again['rss_mb']:,.0f} MB | | "
                f"≥ {REIMPORT_RATE:,}/s | {at_least(rcps, REIMPORT_RATE)} |"
            )
    big = results.get("big")
    if big and big["import"]["ok"]:
        first, again = big["import"], big["reimport"]
        cps = rate(big["comments"], first["seconds"])
        rows.append(
            f"| import, one archive of {big['bytes'] / 2**20:,.0f} MB ({big['comments']:,} "
            f"comments), PostgreSQL | {first['seconds']:.1f} s, **{cps:,.0f} comments/s** | | "
            f"≥ {IMPORT_RATE:,}/s | {at_least(cps, IMPORT_RATE)} |"
        )
        rows.append(
            f"| peak RSS of that import (read as a stream) | **{first['rss_mb']:,.0f} MB** | | "
            f"≤ {IMPORT_RSS} MB whatever the file size | {at_most(first['rss_mb'], IMPORT_RSS)} |"
        )
        if again["ok"]:
            rcps = rate(big["comments"], again["seconds"])
            rows.append(
                f"| unchanged re-import of that archive | {again['seconds']:.1f} s, "
                f"**{rcps:,.0f} comments/s** | | ≥ {REIMPORT_RATE:,}/s | "
                f"{at_least(rcps, REIMPORT_RATE)} |"
            )
    wxr = results.get("wxr")
    if wxr and wxr["import"]["ok"]:
        cps = rate(wxr["comments"], wxr["import"]["seconds"])
        rows.append(
            f"| import, {wxr['comments']:,}-comment WXR ({wxr['bytes'] / 2**20:.0f} MB), "
            f"PostgreSQL | {wxr['import']['seconds']:.1f} s, **{cps:,.0f} comments/s**, RSS "
            f"{wxr['import']['rss_mb']:,.0f} MB | | ≥ {IMPORT_RATE:,}/s | "
            f"{at_least(cps, IMPORT_RATE)} |"
        )
        if wxr["reimport"]["ok"]:
            rcps = rate(wxr["comments"], wxr["reimport"]["seconds"])
            rows.append(
                f"| unchanged re-import, WXR | {wxr['reimport']['seconds']:.1f} s, "
                f"**{rcps:,.0f} comments/s** | | ≥ {REIMPORT_RATE:,}/s | "
                f"{at_least(rcps, REIMPORT_RATE)} |"
            )
    return rows


def thread_rows(results: dict) -> list[str]:
    rows = [
        "| thread page | database (archive size) | cmforum median / p95 | SQL queries | HTML "
        "| raw SQL + html.escape, median | ratio | target | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    entries = [(f"PostgreSQL ({int(s):,})", e) for s, e in results["sizes"].items()]
    if results.get("sqlite"):
        entries.append((f"SQLite ({results['sqlite']['size']:,})", results["sqlite"]))
    for label, e in entries:
        pages = e.get("pages") or {}
        for size, t in pages.get("threads", {}).items():
            page, ref = t["page"], t["reference"]
            ratio = page["median"] / ref["median"] if ref["median"] else 0
            verdicts = [f"queries {at_most(t['queries'], THREAD_QUERIES)}"]
            target = f"≤ {THREAD_QUERIES} queries"
            if size == "1000":
                target = f"≤ {THREAD_1K_MS} ms and ≤ {THREAD_1K_RATIO}× ref; " + target
                verdicts.insert(0, f"time {at_most(page['median'] * 1000, THREAD_1K_MS)}, "
                                   f"ratio {at_most(ratio, THREAD_1K_RATIO)}")  # fmt: skip
            elif size == "10000":
                target = f"≤ {THREAD_10K_MS} ms; " + target
                verdicts.insert(0, f"time {at_most(page['median'] * 1000, THREAD_10K_MS)}")
            rows.append(
                f"| {int(size):,} comments | {label} | **{ms(page['median'])}** / "
                f"{ms(page['p95'])} (n={page['n']}) | {t['queries']} | "
                f"{t['html_bytes'] / 2**10:,.0f} KiB | {ms(ref['median'])} "
                f"({t['reference_bytes'] / 2**10:,.0f} KiB) | {ratio:.1f}× | {target} | "
                f"{'; '.join(verdicts)} |"
            )
    return rows


def isso_rows(results: dict) -> list[str]:
    isso = results.get("isso")
    if not isso:
        return ["Isso: not run (no 1,000-comment thread was measured)."]
    if "skipped" in isso:
        return [f"Isso: skipped — {isso['skipped']}."]
    first = next(iter(results["sizes"].values()), {})
    ours = ((first.get("pages") or {}).get("threads") or {}).get("1000")
    rows = ["| same 1,000 comments | median | p95 |", "|---|---|---|"]
    if ours:
        rows.append(f"| cmforum's thread page (whole HTML page) | {ms(ours['page']['median'])} "
                    f"| {ms(ours['page']['p95'])} |")  # fmt: skip
    for kind, label in (("nested", "nested: one level of replies, as Isso keeps them"),
                        ("flat", "flat: every comment a root")):  # fmt: skip
        timings = sorted(isso[kind])
        median = timings[len(timings) // 2]
        p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
        rows.append(f"| Isso 0.14 comment API (JSON), {label} | {ms(median)} | {ms(p95)} |")
    return rows


def page_rows(results: dict) -> list[str]:
    rows = ["| page | database (archive size) | median | p95 | n | SQL queries | HTML "
            "| target (p95) | verdict |",
            "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    entries = [(f"PostgreSQL ({int(s):,})", e, False) for s, e in results["sizes"].items()]
    if results.get("sqlite"):
        entries.append((f"SQLite ({results['sqlite']['size']:,})", results["sqlite"], True))
    for label, e, is_sqlite in entries:
        for p in (e.get("pages") or {}).get("pages", []):
            if "status" in p:
                rows.append(f"| `{p['label']}` | {label} | HTTP {p['status']} | | | | | | |")
                continue
            if is_sqlite:
                target = SQLITE_P95_MS
            else:
                target = SEARCH_P95_MS if p["kind"] == "search" else LIST_P95_MS
            rows.append(
                f"| `{p['label']}` | {label} | {ms(p['median'])} | **{ms(p['p95'])}** | "
                f"{p['n']} | {p['queries']} | {p['bytes'] / 2**10:,.0f} KiB | ≤ {target} ms | "
                f"{at_most(p['p95'] * 1000, target)} |"
            )
    return rows


def load_rows(results: dict) -> list[str]:
    load = results.get("load")
    if not load:
        return ["Load test: not run."]
    if "skipped" in load:
        return [f"Load test: skipped — {load['skipped']}."]
    rows = ["| page | pass | requests/s | requests | errors | avg latency | target | verdict |",
            "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    memory, flat = [], True
    for name, figures in load["passes"].items():
        if "error" in figures:
            rows.append(f"| — | {name} | failed: {figures['error']} | | | | | |")
        for label, f in figures.items():
            if not isinstance(f, dict):
                continue
            target, verdict = "", ""
            if label == "thread":
                goal = LOAD_THREAD_CACHED if name == "cached" else LOAD_THREAD
                target, verdict = f"≥ {goal:,}/s", at_least(f["rps"], goal)
                label = f"the {load['thread_comments']}-comment thread"
            elif label == "/comments/":
                target, verdict = f"≥ {LOAD_COMMENTS}/s", at_least(f["rps"], LOAD_COMMENTS)
            elif label in ("trivial view", "static file"):
                label += " (reference)"
            errors = f["errors"]
            verdict += "" if errors == 0 else f"; **{errors} errors** (target zero)"
            rows.append(f"| {label} | {name} | **{f['rps']:,.0f}** | {f['requests']:,} | "
                        f"{errors} | {f['latency_avg']} | {target} | {verdict} |")  # fmt: skip
        pairs = list(zip(figures.get("rss_start_mb", []), figures.get("rss_end_mb", []),
                         strict=False))  # fmt: skip
        cold = figures.get("rss_cold_mb") or [None] * len(pairs)
        memory.append(f"{name}: " + " / ".join(
            (f"{c:.0f} → " if c is not None else "") + f"{a:.0f} → {b:.0f} MB"
            for c, (a, b) in zip(cold, pairs, strict=False)
        ))  # fmt: skip
        # Flat: within 10 % (plus 5 MB of allocator slack) of the warmed-up size.
        flat = flat and all(b <= a * 1.1 + 5 for a, b in pairs)
    cached = load["passes"].get("cached", {})
    if "thread" in cached and cached.get("trivial view", {}).get("rps"):
        share = cached["thread"]["rps"] / cached["trivial view"]["rps"]
        rows.append("")
        rows.append(
            f"The cached thread is served at {share:.0%} of the rate of the trivial view on the "
            "same server in the same pass: the trivial view (the whole middleware stack, no work) "
            "shows what this machine serves at this load."
        )
    verdict = "**met**" if flat else "missed (a worker grew more than 10 %)"
    rows.append("")
    rows.append(
        "Worker memory (RSS of each worker after 20 requests per page → after one unmeasured "
        "run of every page → after the measured runs): "
        f"{'; '.join(memory)}; target flat: {verdict}."
    )
    return rows


def _best_rate(results: dict) -> float:
    rates = [rate(int(size), e["import"]["seconds"]) for size, e in results["sizes"].items()
             if e["import"]["ok"]]  # fmt: skip
    return max(rates, default=0.0)


def write_report(results: dict, out: Path) -> None:
    m = results["machine"]
    args = results["args"]
    sizes = " ".join(str(s) for s in args["sizes"])
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`); do not edit by hand. Issue 13's figures at "
        "the sizes below, each beside its reference measured **in the same run** (the machine "
        "is shared: absolute times are noisy, ratios much less) and beside its target.",
        "",
        "## Machine",
        "",
        f"- {m['cpu']}, {m['cores']} cores, {m['ram_gb']:.0f} GB RAM; {m['os']}",
        f"- Python {m['python']}, Django {m['django']}, PostgreSQL {m['postgres']}, "
        f"SQLite {m['sqlite']}",
        f"- code: commit `{m['commit']}`{' plus uncommitted changes' if m['dirty'] else ''}; "
        f"run {m['date']}, load average at start {m['load'][0]:.1f} "
        f"(other engineers' tests share the 2 cores); whole run {results['seconds'] / 60:.0f} min",
        "",
        "## Commands",
        "",
        "```sh",
        f'make bench SIZES="{sizes}"   # DATABASE_URL defaults to '
        "postgres://postgres@127.0.0.1:5432/bench",
        'make bench SIZES="10000 100000 1000000"   # the 1M figures (about 15 min more today)',
        "```",
        "",
        f"which runs `.venv/bin/python bench/run.py --sizes {sizes}`: archives from "
        f"`bench/generate.py` (seed {args['seed']}, cmforum-json files of {args['per_file']:,} "
        "comments), each imported into a fresh database `bench` by `manage.py import_dump` in a "
        "subprocess (time end to end, peak RSS from the process's VmHWM), then imported again "
        "unchanged; "
        "then three threads of 100, 1,000 and 10,000 comments are added, the database is "
        "`VACUUM ANALYZE`d (as autovacuum would be) and each page is requested "
        f"{args['requests']} times after one warm-up through Django's test Client (whole "
        f"middleware stack, DEBUG off, page cache off), at most {args['budget']:.0f} s per page "
        "(n says how many requests fitted). References: `bench/copy_ref.py` writes the same "
        "comments as comment-shaped rows (tree fields computed, 4 indexes) with COPY into "
        "`bench_ref` (reading the JSON is not timed); `bench/pages.py` renders each thread from "
        "one raw SQL query with `html.escape`; `bench/isso_ref.py` serves the same 1,000 comments "
        "from Isso in its own venv. The load test runs gunicorn (2 workers, 127.0.0.1, "
        f"`bench/gunicorn_bench.py`) and `wrk -t2 -c8 -d{args['load_seconds']}s` on the five "
        "texts, with a trivial view (`bench/urls.py`, bench-only) and a static file as "
        "references; the cached pass sets `PAGE_CACHE_SECONDS=3600`. Import memory is also "
        f"measured on one archive of about {args.get('big_mb', 0):.0f} MB (`--big-mb`), which "
        "import_dump reads as a stream (importers/streamed.py). Targets whose issue-13 "
        "definition is at 1M comments are checked here at the largest size measured.",
        "",
        "## Import",
        "",
        *import_rows(results),
        "",
        "## Thread page",
        "",
        *thread_rows(results),
        "",
        *isso_rows(results),
        "",
        "## Read pages",
        "",
        "Page size is the site's own (30 articles, 50 comments, 50 participants, 20 hits). "
        "`deep` is the page 78 % of the way through `/comments/`, as in issue 13; `busiest` "
        "is the participant with the most comments.",
        "",
        *page_rows(results),
        "",
        "## Under load",
        "",
        *load_rows(results),
        "",
    ]
    lines += ["## Notes", ""]
    sizes_run = [int(s) for s in results["sizes"]]
    if max(sizes_run, default=0) < 1_000_000:
        lines.append(
            "- **1M comments was not run here**: at today's import rate it takes "
            f"{1_000_000 / max(1, _best_rate(results)) / 60:.0f} min to import, then its "
            'unchanged re-import and the pages; run `make bench SIZES="10000 100000 1000000"`. The '
            "list and search targets are defined at 1M: a page that misses them at 100k is "
            "unlikely to meet them at 1M."
        )
    lines += [
        "- The thread-page figures are measured in the archive of each size plus the three "
        "added threads (11,100 comments). The raw reference renders what each comment shows "
        "(author link, date, kind, stance, paragraphs, nesting) but not the page's chrome, "
        "badges and reply links: its HTML is about half the size of cmforum's, so it is a "
        "floor, not a twin.",
        "- Page times are server-side, in process (Django's test Client), so they include "
        "every middleware but no network; under load, wrk talks HTTP to gunicorn over the "
        "loopback, on the same 2 cores as wrk itself.",
        "- The pages' p95 is over n requests after one warm-up request; when n is below "
        f"{results['args']['requests']}, the page's time budget ran out (a slow page cannot "
        "hold the run): the median and p95 are then over fewer requests.",
        "- Isso keeps one level of replies (a reply to a reply hangs under the root); its "
        "figure is its JSON API, which a browser still has to render.",
    ]
    for note in results.get("notes", []):
        lines.append(f"- {note}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
