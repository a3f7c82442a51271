"""Prints the parser's quality tables (measured by test_quality.py) after the test run."""

from __future__ import annotations

import pytest

from support import QUALITY_REPORTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The precision/recall tables against the gold files."""
    reports = config.stash.get(QUALITY_REPORTS, [])
    if reports:
        terminalreporter.section("plan parser quality (precision / recall against the gold files)")
        for text in reports:
            terminalreporter.write_line(text)
