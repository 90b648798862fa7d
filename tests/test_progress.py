"""Progress on long runs: a bar on stderr in a terminal, nothing in a pipe or a file."""

from __future__ import annotations

import io
import sys

import pytest

from sscert.cli.progress import progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_on_stderr_and_nothing_on_stdout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, err = _Terminal(), _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    with progress("importing the roster", total=10) as update:
        update(5)
        update(10)
    assert out.getvalue() == ""
    assert "importing the roster" in err.getvalue()


def test_a_pipe_gets_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = io.StringIO(), _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    with progress("importing the roster", total=10) as update:
        update(10)
    assert out.getvalue() == ""
    assert err.getvalue() == ""
