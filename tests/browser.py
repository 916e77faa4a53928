"""The real-browser tests' Chromium: Debian's, driven by Playwright (which downloads none)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def launch_chromium(playwright):
    """Headless Debian Chromium for a test (artifacts directory ready for its screenshots)."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is required (make test installs it)"
    ARTIFACTS.mkdir(exist_ok=True)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
