"""What the benchmark scripts share: sscert's bytecode compiled first, as an installed
package has it (a checkout run with ``PYTHONDONTWRITEBYTECODE`` would compile every module in
every process it times), and one process timed from start to exit with its peak memory."""

from __future__ import annotations

import compileall
import os
import subprocess
import time
from pathlib import Path

import sscert


def compile_sscert() -> None:
    """Write the bytecode of every sscert module (``pip install`` does the same)."""
    compileall.compile_dir(str(Path(sscert.__file__).parent), quiet=1)


def timed(command: list[str]) -> tuple[float, float, int, str]:
    """Seconds, peak resident MB, exit status and standard error of one process, start to
    exit. The peak is the process's own: a process it starts (``remind``'s second one)
    has its own."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), error
