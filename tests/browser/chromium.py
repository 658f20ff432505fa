"""Launching Debian's Chromium through Playwright, without Playwright ever downloading one."""

from __future__ import annotations

import os
import typing as t

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# How long a step waits for the page (Playwright's default timeout, in milliseconds).
TIMEOUT_MS = 15_000
# Headless, no sandbox (CI runs as root), and nothing that reaches out to the network.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: t.Any) -> t.Any:
    """Start Chromium; Playwright gives each launch a new temporary profile (user-data-dir)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
