"""Debian's Chromium driven by Playwright: the one way every browser test starts it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("ONEWINDOW_CHROMIUM", "/usr/bin/chromium"))
# No sandbox as root; and no background networking, which this closed network refuses.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def chromium(*extra_args: str) -> Iterator[Any]:
    """A headless browser (playwright.sync_api.Browser). Keep it no longer than a module:
    Playwright's sync API holds an event loop open, and other tests start their own."""
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; browser tests must run in CI")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()
