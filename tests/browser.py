"""Headless Chromium for the tests that check what people print: a page to PDF."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip


def chromium() -> str:
    """The browser, or skip (fail on CI, which installs it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (.ci/run installs Debian's chromium)")
        pytest.skip("no Chromium on this machine")
    return found


def print_pdf(page: Path, work: Path) -> Any:
    """``page`` printed to PDF by Chromium, read back with pypdf (a ``PdfReader``)."""
    from pypdf import PdfReader  # noqa: PLC0415

    pdf = work / (page.stem + ".pdf")
    subprocess.run(
        [
            chromium(), *FLAGS, f"--user-data-dir={work / 'chromium-profile'}",
            "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )  # fmt: skip
    return PdfReader(pdf)
