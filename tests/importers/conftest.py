"""Reports how many property-based cases ran (tests/importers/test_properties.py)."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter) -> None:
    from tests.importers.test_properties import RUN

    if RUN:
        runs = ", ".join(f"{name} {n}" for name, n in sorted(RUN.items()))
        terminalreporter.write_line(f"property-based cases run: {sum(RUN.values())} ({runs})")
