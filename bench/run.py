"""`make bench`: every figure of issue 13 beside its reference and its target, written to
docs/benchmarks.md.

    .venv/bin/python bench/run.py [--sizes 10000 100000] [--database-url URL]
        [--sqlite-size 100000] [--requests 30] [--load-seconds 10] [--out docs/benchmarks.md]

For each size: a generated archive (bench/generate.py) imported into a fresh PostgreSQL
database by `manage.py import_dump` in a subprocess (comments/s, peak RSS: VmHWM),
imported again unchanged, then the 100/1k/10k-comment threads are added and every page is
timed (bench/pages.py); the same rows are written by COPY (bench/copy_ref.py) in the
reference database. Once per run: a 10k-comment WXR import, Isso on the same 1,000-comment
thread, and the load test (wrk against gunicorn, 2 workers, loopback) on the five texts.
SQLite gets the same import and pages at --sqlite-size. Every step has a timeout."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402
from bench.report import write_report  # noqa: E402

PY = sys.executable
ISSO_PY = Path("/tmp/isso-venv/bin/python")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- processes ------------------------------------------------------------------------------


def measured(cmd: list[str], env: dict, timeout: float, logfile: Path) -> dict:
    """Run ``cmd``; its wall time, exit status and peak RSS (its own: VmHWM). Killed
    (with its process group) after ``timeout`` seconds."""
    with logfile.open("ab") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = started + timeout
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _peak_rss_kb(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                return {"ok": False, "seconds": timeout, "rss_mb": 0, "error": "timeout"}
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    # wait4's ru_maxrss counts the pages the child shared with this process between fork
    # and exec (this process holds generated archives): VmHWM, read until the child exits,
    # is the peak of the command itself.
    return {"ok": proc.returncode == 0, "rc": proc.returncode, "seconds": seconds,
            "rss_mb": (peak_kb or usage.ru_maxrss) / 1024}  # fmt: skip


def _peak_rss_kb(pid: int) -> int:
    """The peak resident set of a running process since its exec (VmHWM), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run_json(cmd: list[str], env: dict, timeout: float, logfile: Path) -> dict | None:
    """Run a helper that prints JSON on its last stdout line; None (logged) on failure."""
    try:
        done = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        log(f"timeout after {timeout:.0f} s: {' '.join(cmd[:3])}")
        return None
    with logfile.open("a") as out:
        out.write(done.stderr)
    if done.returncode != 0 or not done.stdout.strip():
        log(f"failed ({done.returncode}): {' '.join(cmd[:3])}: {done.stderr[-800:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def quick(cmd: list[str], env: dict, timeout: float = 300) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, timeout=timeout, capture_output=True)


# --- databases ------------------------------------------------------------------------------


def with_db(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def fresh_postgres(url: str) -> None:
    """Drop and create the database of ``url`` (a private name: bench, bench_ref)."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    # It is dropped: only a private bench* name, never someone's test or site database.
    if not re.fullmatch(r"bench[a-z0-9_]*", name):
        raise SystemExit(f"refusing to drop database {name!r}: use a name starting with bench")
    with psycopg.connect(with_db(url, "postgres"), autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {name}")


def analyze(url: str) -> None:
    # What autovacuum does shortly after a bulk load; without it the first plans are blind.
    if url.startswith("sqlite"):
        with sqlite3.connect(urlparse(url).path) as db:
            db.execute("ANALYZE")
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")


def server_version(url: str) -> str:
    if url.startswith("sqlite"):
        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute("SHOW server_version").fetchone()[0].split()[0]


# --- steps ----------------------------------------------------------------------------------


STEPS = ("load", "wxr", "big", "sizes", "sqlite", "isso")


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="cmforum-bench-"))
        self.logfile = self.work / "bench.log"
        self.results: dict = {"sizes": {}, "sqlite": None, "wxr": None, "load": None,
                              "isso": None, "notes": []}  # fmt: skip
        self.base_env = dict(os.environ)
        self.base_env.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
            STATIC_ROOT=str(self.work / "static"),
            CACHE_DIR=str(self.work / "cache"),
            PAGE_CACHE_SECONDS="0",  # pages are timed uncached; the load test adds cached
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            PYTHONUNBUFFERED="1",
        )
        self.base_env.pop("REDIS_URL", None)

    def env(self, url: str, **extra: str) -> dict:
        return {**self.base_env, "DATABASE_URL": url, **extra}

    def manage(self, url: str, *argv: str, timeout: float = 600) -> None:
        quick([PY, "manage.py", *argv], self.env(url), timeout)

    def prepare(self, url: str) -> None:
        if url.startswith("sqlite"):
            Path(urlparse(url).path).unlink(missing_ok=True)
        else:
            fresh_postgres(url)
        self.manage(url, "migrate", "--noinput")

    def archive(self, size: int) -> tuple[list[Path], Path]:
        out = self.work / f"archive-{size}"
        if not out.exists():
            started = time.perf_counter()
            gen = generate.Generator(size, self.args.seed)
            generate.write_archives(gen, out, self.args.per_file)
            generate.write_threads(gen, out / "threads.json")
            log(f"generated {size:,} comments in {time.perf_counter() - started:.0f} s")
        return sorted(out.glob("archive-*.json")), out / "threads.json"

    def import_figures(self, url: str, size: int, files: list[Path]) -> dict:
        timeout = 120 + size / 300  # 1M at today's 1,300/s fits; a hang does not
        cmd = [PY, "manage.py", "import_dump", *map(str, files)]
        log(f"import {size:,} comments ({len(files)} file(s)) into {url.split('/')[-1]}")
        first = measured(cmd, self.env(url), timeout, self.logfile)
        log(f"  {first}")
        again = measured(cmd, self.env(url), timeout, self.logfile)
        log(f"  unchanged: {again}")
        return {"import": first, "reimport": again, "files": len(files),
                "bytes": sum(f.stat().st_size for f in files)}  # fmt: skip

    def page_figures(self, url: str, threads: Path, isso_out: Path | None) -> dict | None:
        added = measured(
            [PY, "manage.py", "import_dump", str(threads)], self.env(url), 600, self.logfile
        )
        if not added["ok"]:
            log("the 100/1k/10k threads did not import; see the log")
            return None
        analyze(url)
        cmd = [PY, "bench/pages.py", "pages", "--requests", str(self.args.requests),
               "--budget", str(self.args.budget)]  # fmt: skip
        if isso_out:
            cmd += ["--isso-out", str(isso_out)]
        log("pages")
        return run_json(cmd, self.env(url), 1800, self.logfile)

    def copy_reference(self, url: str, files: list[Path], size: int) -> dict | None:
        log(f"reference write of {size:,} rows")
        return run_json(
            [PY, "bench/copy_ref.py", url, *map(str, files)], self.env(url), 120 + size / 1000,
            self.logfile,
        )  # fmt: skip

    def size(self, url: str, ref_url: str, size: int, first: bool) -> None:
        files, threads = self.archive(size)
        self.prepare(url)
        entry = self.import_figures(url, size, files)
        entry["reference"] = self.copy_reference(ref_url, files, size)
        isso_out = self.work / "isso-thread.json" if first else None
        entry["pages"] = self.page_figures(url, threads, isso_out)
        self.results["sizes"][str(size)] = entry

    def sqlite(self, size: int) -> None:
        url = f"sqlite:///{self.work / f'sqlite-{size}.sqlite3'}"
        files, threads = self.archive(size)
        self.prepare(url)
        entry = self.import_figures(url, size, files)
        ref_url = f"sqlite:///{self.work / 'sqlite-ref.sqlite3'}"
        entry["reference"] = self.copy_reference(ref_url, files, size)
        entry["pages"] = self.page_figures(url, threads, None)
        entry["size"] = size
        self.results["sqlite"] = entry

    def wxr(self, ref_url: str) -> None:
        n = self.args.wxr
        path = self.work / "bench.xml"
        generate.write_wxr(generate.Generator(n, self.args.seed + 1), path, n)
        cmd = [PY, "manage.py", "import_dump", str(path)]
        log(f"WXR import, {n:,} comments")
        first = measured(cmd, self.env(ref_url), 600, self.logfile)
        again = measured(cmd, self.env(ref_url), 600, self.logfile)
        self.results["wxr"] = {"comments": n, "bytes": path.stat().st_size, "import": first,
                               "reimport": again}  # fmt: skip

    def big_file(self, ref_url: str) -> None:
        """One archive of about --big-mb MB (the issue's test of import memory): its import
        and unchanged re-import, in an emptied reference database."""
        n = int(self.args.big_mb * 1_110)  # the generator's archives: about 900 B a comment
        if not n:
            return
        out = self.work / "archive-big"
        if not out.exists():
            generate.write_archives(generate.Generator(n, self.args.seed + 2), out, n + 1)
        files = sorted(out.glob("archive-*.json"))
        self.prepare(ref_url)
        cmd = [PY, "manage.py", "import_dump", *map(str, files)]
        log(
            f"one archive of {sum(f.stat().st_size for f in files) / 2**20:,.0f} MB, {n:,} comments"
        )
        first = measured(cmd, self.env(ref_url), 120 + n / 200, self.logfile)
        again = measured(cmd, self.env(ref_url), 600, self.logfile)
        log(f"  {first}; unchanged: {again}")
        self.results["big"] = {"comments": n, "bytes": sum(f.stat().st_size for f in files),
                               "import": first, "reimport": again}  # fmt: skip
        self.prepare(ref_url)

    def isso(self) -> None:
        thread = self.work / "isso-thread.json"
        if not thread.exists():
            return
        if not ISSO_PY.exists():
            log("Isso venv missing: python3 -m venv /tmp/isso-venv && pip install isso")
            try:
                subprocess.run(["python3", "-m", "venv", str(ISSO_PY.parent.parent)],
                               check=True, timeout=120)  # fmt: skip
                subprocess.run([str(ISSO_PY.parent / "pip"), "install", "-q", "isso"],
                               check=True, timeout=300, capture_output=True)  # fmt: skip
            except (subprocess.SubprocessError, OSError) as error:
                self.results["isso"] = {"skipped": f"pip install isso failed: {error}"}
                return
        log("Isso on the 1,000-comment thread")
        out = run_json(
            [str(ISSO_PY), "bench/isso_ref.py", str(thread), str(self.args.requests)],
            dict(os.environ), 600, self.logfile,
        )  # fmt: skip
        self.results["isso"] = out or {"skipped": "Isso did not run; see the log"}

    # --- load ---------------------------------------------------------------------------------

    def load(self, ref_url: str) -> None:
        if not shutil.which("wrk"):
            self.results["load"] = {"skipped": "wrk is not installed (apt-get install wrk)"}
            return
        self.manage(ref_url, "import_dump", "fixtures/")
        info = run_json([PY, "bench/pages.py", "info"], self.env(ref_url), 120, self.logfile)
        if info is None:
            return
        passes = {"uncached": "0"}
        passes["cached"] = "3600"  # PAGE_CACHE_SECONDS; a tree without a page cache ignores it
        out: dict = {"thread_comments": info["thread_comments"], "passes": {}}
        for name, seconds in passes.items():
            out["passes"][name] = self.load_pass(ref_url, info["thread"], seconds)
        self.results["load"] = out

    def load_pass(self, url: str, thread: str, cache_seconds: str) -> dict:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        env = self.env(url, BENCH_BIND=f"127.0.0.1:{port}", PAGE_CACHE_SECONDS=cache_seconds)
        env["CACHE_DIR"] = str(self.work / f"cache-{cache_seconds}")
        server = subprocess.Popen(
            [PY, "-m", "gunicorn", "--config", "bench/gunicorn_bench.py"], cwd=ROOT, env=env,
            stdout=self.logfile.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        figures: dict = {}
        try:
            home = self.wait_for(base + "/", server)
            static = re.search(r'(/static/[^"]+\.css)', home)
            urls = {"thread": thread, "/": "/", "/comments/": "/comments/",
                    "trivial view": "/__bench__/trivial/"}  # fmt: skip
            if static:
                urls["static file"] = static.group(1)
            for path in urls.values():  # warm every worker's code paths (and the cache)
                for _ in range(20):
                    self.fetch(base + path)
            workers = self.workers(server.pid)
            figures["rss_cold_mb"] = self.rss(workers)
            # A worker's memory grows over its first few thousand pages (allocator arenas,
            # caches filling) and then holds: one unmeasured run of every page first, so the
            # measured run is the steady state; the report shows both.
            for path in urls.values():
                self.wrk(base + path)
            figures["rss_start_mb"] = self.rss(workers)
            for label, path in urls.items():
                figures[label] = self.wrk(base + path)
                log(f"  load {label}: {figures[label].get('rps', 0):,.0f} req/s")
            figures["rss_end_mb"] = self.rss(workers)
        except Exception as error:  # noqa: BLE001 (reported, the run goes on)
            figures["error"] = str(error)
            log(f"load test failed: {error}")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        return figures

    @staticmethod
    def fetch(url: str) -> str:
        from urllib.request import urlopen

        with urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace")

    def wait_for(self, url: str, server: subprocess.Popen) -> str:
        deadline = time.time() + 60
        while time.time() < deadline:
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited; see the log")
            try:
                return self.fetch(url)
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    @staticmethod
    def workers(master: int) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)],
                             capture_output=True, text=True).stdout  # fmt: skip
        return [int(p) for p in out.split()]

    @staticmethod
    def rss(pids: list[int]) -> list[float]:
        sizes = []
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                sizes.append(0.0)
                continue
            kb = re.search(r"VmRSS:\s+(\d+)", status)
            sizes.append(int(kb.group(1)) / 1024 if kb else 0.0)
        return sizes

    def wrk(self, url: str) -> dict:
        seconds = self.args.load_seconds
        cmd = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s", url]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30)
        text = done.stdout
        rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
        total = re.search(r"(\d+) requests in", text)
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        sock = re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
        )
        errors = (int(non2xx.group(1)) if non2xx else 0) + (
            sum(int(g) for g in sock.groups()) if sock else 0
        )
        latency = re.search(r"Latency\s+([\d.]+\w+)", text)
        return {"rps": float(rps.group(1)) if rps else 0.0,
                "requests": int(total.group(1)) if total else 0, "errors": errors,
                "latency_avg": latency.group(1) if latency else "?"}  # fmt: skip

    # --- the whole run ----------------------------------------------------------------------

    def machine(self, url: str) -> dict:
        cpu = "?"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
        commit = (
            os.environ.get("BENCH_COMMIT")
            or subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip()
        )
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()  # fmt: skip
        import django

        return {
            "cpu": cpu, "cores": os.cpu_count(), "ram_gb": int(mem) / 2**20,
            "os": platform.platform(), "python": platform.python_version(),
            "django": django.get_version(), "postgres": server_version(url),
            "sqlite": sqlite3.sqlite_version, "commit": commit or "not a git checkout",
            "dirty": bool(dirty), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load": os.getloadavg(),
        }  # fmt: skip

    def run(self) -> None:
        args = self.args
        url = args.database_url
        ref_url = with_db(url, urlparse(url).path.lstrip("/") + "_ref")
        started = time.perf_counter()
        log(f"work directory {self.work}; log {self.logfile}")
        self.results["machine"] = self.machine(with_db(url, "postgres"))
        self.results["args"] = {k: v for k, v in vars(args).items() if k != "out"}
        steps = set(args.steps)
        self.manage(url, "collectstatic", "--noinput")
        self.prepare(ref_url)
        if "load" in steps:
            self.load(ref_url)
        if "wxr" in steps:
            self.wxr(ref_url)
        if "big" in steps:
            self.big_file(ref_url)
        if "sizes" in steps:
            for i, size in enumerate(args.sizes):
                self.size(url, ref_url, size, first=i == 0)
        if args.sqlite_size and "sqlite" in steps:
            self.sqlite(args.sqlite_size)
        if "isso" in steps:
            self.isso()
        if os.environ.get("BENCH_COMMIT"):
            self.results["notes"].append(
                f"Measured on a clean export of commit `{os.environ['BENCH_COMMIT']}` of main "
                "(`git archive`), so that work in progress in the shared tree is not measured."
            )
        self.results["seconds"] = time.perf_counter() - started
        (self.work / "results.json").write_text(json.dumps(self.results, indent=1))
        write_report(self.results, args.out)
        log(f"wrote {args.out} ({self.results['seconds']:.0f} s); raw figures in "
            f"{self.work / 'results.json'}")  # fmt: skip
        if not args.keep:
            for path in self.work.glob("archive-*"):
                shutil.rmtree(path, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    parser.add_argument(
        "--sqlite-size", type=int, default=None, help="default: the largest size ≤ 100000"
    )
    parser.add_argument("--per-file", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--wxr", type=int, default=10_000)
    parser.add_argument("--big-mb", type=float, default=200, help="one archive this large; 0: none")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per page at most")
    parser.add_argument("--load-seconds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the generated archives")
    parser.add_argument(
        "--steps", nargs="+", default=list(STEPS), choices=STEPS,
        help="run only these steps (with --out elsewhere: docs/benchmarks.md is the whole run)",
    )  # fmt: skip
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench needs PostgreSQL (DATABASE_URL=postgres://…); SQLite is added")
    if args.sqlite_size is None:
        small = [s for s in args.sizes if s <= 100_000]
        args.sqlite_size = max(small) if small else 0
    Bench(args).run()


if __name__ == "__main__":
    main()
