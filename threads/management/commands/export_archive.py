import json
import sys

from django.core.management.base import BaseCommand

from threads.archive import build_archive


class Command(BaseCommand):
    help = "Write the whole archive as one cmforum-json document (see docs/archive-format.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, output: str | None = None, **options) -> None:
        text = json.dumps(build_archive(), ensure_ascii=False, indent=1) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text)
            if options["verbosity"] >= 1:
                self.stderr.write(f"archive written to {output}")
        else:
            sys.stdout.write(text)
