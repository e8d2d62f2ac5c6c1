"""import_dump PATH [PATH ...]: import blog dumps, exports and archives.

Every file is read and parsed before anything is written: if one is bad, the command says
which and where (one line per problem), writes nothing, and exits non-zero. Each file is
then loaded in its own transaction. If writing one fails (a database error, a broken
tree), that file is rolled back and the command stops there, since a later file may
build on it (a Disqus export joins the posts a WXR file brought): the files before it
stay written, re-running after the fix is safe, and --keep-going goes on with the rest.
The report names what was written and what was not, and the exit status is non-zero.

Memory stays bounded whatever the files: past HOLD_BYTES a checked file is let go and
parsed again when its turn comes, and a large archive or WordPress export is never held
whole (importers.streamed)."""

from __future__ import annotations

import sys
import time
from argparse import ArgumentTypeError
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from importers import streamed
from importers.archive_json import ArchiveInvalid
from importers.formats import format_names
from importers.loader import LoadReport, load_dump, refresh_participant_lists
from importers.loader.unchanged import record, unchanged_report
from importers.manifest import apply_manifest
from importers.parsed import ParsedDump, ParseError
from importers.source_file import SourceFile, check_extension, parse_source, place_on_blog
from threads.tree import TreeError

DUMP_SUFFIXES = {".txt", ".text", ".xml", ".wxr", ".atom", ".json", ".html", ".htm", ".xhtml"}
# Parsed files are kept from the checking pass to the writing pass while their sources
# total at most this; past it a file is parsed again when its turn comes, so that a run of
# many large files holds one parsed file at a time, not all of them.
HOLD_BYTES = 8 * 1024 * 1024


def blog_address(value: str) -> str:
    """--blog: an http(s) address with a host."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ArgumentTypeError(f"expected the blog's http(s) address, got {value!r}")
    return value.strip()


def expand(paths: list[str]) -> list[Path]:
    """Files as given; a folder stands for the dump files directly inside it, by name."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(
                p for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in DUMP_SUFFIXES and not p.name.startswith(".")
            )  # fmt: skip
        else:
            files.append(path)
    return files


def describe(report: LoadReport) -> str:
    parts = [
        f"{report.articles_new} new / {report.articles_updated} updated / "
        f"{report.articles_unchanged} unchanged articles",
        f"{report.comments_new} new / {report.comments_updated} updated / "
        f"{report.comments_unchanged} unchanged comments",
        f"{report.participants_new} new participants",
    ]
    if report.comments_deleted:
        parts.append(f"{report.comments_deleted} comments no longer in the source removed")
    if report.comments_kept_curated:
        parts.append(f"{report.comments_kept_curated} curated comments kept")
    if report.history_new:
        parts.append(f"{report.history_new} curation history entries restored")
    if report.merge_decisions_new:
        parts.append(f"{report.merge_decisions_new} merge candidates or decisions restored")
    if report.skipped:
        parts.append(
            "skipped " + ", ".join(f"{n} {kind}" for kind, n in sorted(report.skipped.items()))
        )
    return "; ".join(parts)


class Command(BaseCommand):
    help = "Import blog dumps (text layouts), WordPress WXR, Disqus XML and cmforum-json archives."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a file or a folder")
        parser.add_argument(
            "--format", dest="format_name", choices=format_names(), help="skip detection"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and report, write nothing"
        )
        parser.add_argument(
            "--blog",
            metavar="URL",
            type=blog_address,
            help="the address of the blog, for files that do not say which blog they are from "
            "(a Movable Type export without TypePad's UNIQUEURL, a Dotclear single-blog export)",
        )
        parser.add_argument(
            "--keep-going",
            action="store_true",
            help="when writing a file fails, go on with the next ones instead of stopping",
        )

    def progress(self, done: int, total: int, label: str) -> None:
        if self.verbosity < 1:
            return
        if self.interactive_bar:
            width = 24
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(f"\r[{bar}] {done}/{total} {label[:40]:<40}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        elif self.verbosity >= 2:
            self.stderr.write(f"{done}/{total} {label}")

    def handle(
        self,
        *args,
        paths: list[str],
        format_name: str | None,
        dry_run: bool,
        keep_going: bool = False,
        blog: str | None = None,
        **options,
    ):
        self.verbosity = options["verbosity"]
        self.blog_url = blog
        self.interactive_bar = sys.stderr.isatty()
        files = expand(paths)
        if not files:
            raise CommandError("no dump files found in " + ", ".join(paths))

        # A file recognised as unchanged (importers.loader.unchanged) is not parsed: it was
        # parsed and loaded before, and the database still holds what that produced.
        parsed: list[tuple[SourceFile, ParsedDump | None]] = []
        self.recognised: dict[Path, LoadReport] = {}
        self.checked: dict[Path, str] = {}  # path -> the sha256 of the bytes checked
        held = 0
        errors: list[str] = []
        for n, path in enumerate(files, 1):
            self.progress(n - 1, len(files) * 2, f"reading {path.name}")
            try:
                stream = streamed.wanted(path, format_name)
                source = SourceFile(path, b"" if stream else path.read_bytes())
                if stream:  # a large export or archive: never in memory whole
                    source.sha256 = streamed.file_sha256(path)
                self.checked[path] = source.sha256
                try:
                    # With --blog the same bytes may be another blog's: always read them.
                    known = None if blog else unchanged_report(source.sha256, format_name)
                except DatabaseError:  # no archive to compare with: the parse says it all
                    known = None
                if known is not None:
                    check_extension(path, known.format)
                    self.recognised[path] = known
                    parsed.append((source, None))
                    source.data = b""
                    continue
                dump = (
                    self.parse_streamed(source, stream)
                    if stream
                    else self.parse(source, format_name)
                )
                held += len(source.data)
                source.data = b""  # read again if it is parsed again
                parsed.append((source, dump if held <= HOLD_BYTES else None))
                dump = None
            except OSError as error:
                errors.append(f"{path}: cannot read: {error.strerror}")
            except ArchiveInvalid as error:
                errors += [f"{path}: {problem}" for problem in error.problems]
            except ParseError as error:
                errors.append(f"{path}: {error}")
            except Exception as error:  # a parser bug must still not print a traceback
                errors.append(f"{path}: could not be parsed ({type(error).__name__}: {error})")
        if errors:
            for line in errors:
                self.stderr.write(f"error: {line}")
            bad = len(files) - len(parsed)
            raise CommandError(
                f"{bad} of {len(files)} file(s) could not be read; nothing was written."
            )

        reports = []
        # Many files: the participants' lists once at the end (threads.aggregates).
        self.defer_lists = len(parsed) > 1
        self.lists_pending: set[int] = set()
        failed: list[tuple[SourceFile, str]] = []
        loaded = False  # whether a file of this run was loaded yet
        for n, (source, dump) in enumerate(parsed, 1):
            if failed and not keep_going:
                break
            self.progress(len(files) + n - 1, len(files) * 2, f"loading {source.name}")
            started = time.perf_counter()
            try:
                report = None
                if dump is None and source.path not in self.recognised:
                    dump = self.parse_again(source, format_name)
                elif dump is None:
                    # Recognised while reading. A file loaded since may have touched what it
                    # holds: then check again, and parse and load it if it is no longer so.
                    report = unchanged_report(source.sha256, format_name) if loaded else None
                    if loaded and report is None:
                        dump = self.parse_again(source, format_name)
                    elif report is None:
                        report = self.recognised[source.path]
                if dump is not None:
                    report = self.load(source, dump, dry_run)
                    loaded = True
            except (ParseError, ArchiveInvalid) as error:
                failed.append((source, f"could not be parsed again: {_one_line(error)}"))
                continue
            except (DatabaseError, TreeError) as error:
                failed.append((source, _one_line(error)))
                continue
            except Exception as error:  # a loader bug must still not print a traceback
                failed.append((source, f"{type(error).__name__}: {_one_line(error)}"))
                continue
            reports.append((source, report, time.perf_counter() - started))
            dump = None
            parsed[n - 1] = (source, None)  # written: let it go
        lists_error = ""
        try:
            self.refresh_lists()
        except DatabaseError as error:
            lists_error = _one_line(error)
        self.progress(len(files) * 2, len(files) * 2, "done")

        if self.verbosity >= 1:
            prefix = "[dry run, nothing written] " if dry_run else ""
            for source, report, seconds in reports:
                how = ", recognised by its sha256, not parsed" if report.recognised else ""
                self.stdout.write(
                    f"{prefix}{source.name} [{report.format}{how}]: {describe(report)} "
                    f"({seconds:.2f} s)"
                )
                for warning in report.warnings:
                    self.stdout.write(f"  warning: {warning}")
        if lists_error:
            # The files are written, their counts too; only the lists lag behind.
            self.stderr.write(
                f"error: the participants' blogs and answer lists could not be refreshed "
                f"({lists_error}); run manage.py refresh_aggregates"
            )
            if not failed:
                raise CommandError("written, but the participants' lists are stale.")
        if not failed:
            return
        for source, what in failed:
            self.stderr.write(f"error: {source.path}: could not be written, rolled back: {what}")
        attempted = {s.path for s, *_ in reports} | {s.path for s, _ in failed}
        skipped = [s for s, _ in parsed if s.path not in attempted]
        if skipped:
            self.stderr.write(
                "not attempted after the failure: " + ", ".join(str(s.path) for s in skipped)
            )
        written = "none" if not reports else ", ".join(s.name for s, *_ in reports)
        verb = "checked" if dry_run else "written"
        raise CommandError(
            f"{len(failed)} of {len(files)} file(s) could not be written; {verb}: {written}."
        )

    def parse(self, source: SourceFile, format_name: str | None) -> ParsedDump:
        dump = parse_source(source, format_name)
        place_on_blog(dump, self.blog_url)
        apply_manifest(dump, source.sha256)
        return dump

    def parse_again(self, source: SourceFile, format_name: str | None) -> ParsedDump:
        """A file checked in the first pass and let go, read and parsed again for writing;
        it must still be the file that was checked."""
        if stream := streamed.wanted(source.path, format_name):
            return self.parse_streamed(source, stream)
        again = SourceFile(source.path, source.path.read_bytes())
        if again.sha256 != self.checked[source.path]:
            raise ParseError("the file changed on disk since it was checked; run the import again")
        return self.parse(again, format_name)

    @staticmethod
    def parse_streamed(source: SourceFile, format_name: str) -> ParsedDump:
        """A large export or archive, checked as it streams by; its articles are read from
        the file again each time the loader goes through them (importers.streamed)."""
        dump = streamed.check(source.path, source.sha256, format_name)
        check_extension(source.path, dump.format)
        apply_manifest(dump, source.sha256)
        return dump

    def load(self, source: SourceFile, dump: ParsedDump, dry_run: bool) -> LoadReport:
        """One file in one transaction, with the record that lets an unchanged re-import
        skip it (written in the same transaction, so it describes this file's result)."""
        with transaction.atomic():
            report = load_dump(
                dump, file_name=source.name, sha256=source.sha256, dry_run=dry_run,
                defer_lists=self.defer_lists and not dry_run,
            )  # fmt: skip
            if not dry_run:
                record(source.sha256, report, with_history=bool(dump.history))
        self.lists_pending |= report.lists_pending
        return report

    def refresh_lists(self) -> None:
        """The participants' blogs and answer lists, deferred by every file of a run of
        several: once for all of them (each file's counts were stored with it)."""
        if self.lists_pending:
            refresh_participant_lists(self.lists_pending)
            self.lists_pending = set()


def _one_line(error: BaseException) -> str:
    """A database message can span lines (PostgreSQL's DETAIL, HINT): the first says it."""
    text = str(error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line if len(line) <= 300 else line[:299] + "…"
