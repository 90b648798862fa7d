"""Terminal output helpers: UTF-8 streams, CJK-aware column alignment, JSON."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Final, overload

import click
import orjson

from sscert.i18n import _

__all__ = [
    "OUTPUT_OPTION",
    "copy_file",
    "display_width",
    "dump_json",
    "echo_json",
    "echo_json_chunks",
    "ensure_utf8_streams",
    "json_chunks",
    "table",
]


def ensure_utf8_streams() -> None:
    """Make stdout and stderr write UTF-8, so Chinese text never becomes ``?`` or an error."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf8sig") and isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")


def display_width(text: str) -> int:
    """Columns a terminal uses for ``text``: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table whose columns line up with Chinese text in them."""
    widths = [display_width(h) for h in headers]
    for row in rows:
        widths = [max(w, display_width(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
    return "\n".join(lines)


def dump_json(data: Any) -> str:
    """JSON for people and programs: UTF-8 text (not ``\\u`` escapes), 2-space indent."""
    return json.dumps(data, ensure_ascii=False, indent=2)


_ITEMS: Final = "\x00items\x00"


def json_around(data: dict[str, Any], key: str) -> tuple[str, str]:
    """The text of :func:`dump_json` of ``data`` before and after its list under ``key``."""
    head, tail = dump_json({**data, key: _ITEMS}).split(dump_json(_ITEMS))
    return head, tail


#: What separates two items of the list in :func:`json_chunks`.
ITEM_SEPARATOR: Final = ",\n    "


def item_bytes(item: Any) -> bytes:
    """One item of the list in :func:`json_chunks` as the UTF-8 bytes of its text there
    (encoded by orjson), for a file."""
    try:
        data = orjson.dumps(item, option=orjson.OPT_INDENT_2)
    except TypeError:  # what orjson does not encode (a lone surrogate, a huge integer)
        data = dump_json(item).encode("utf-8", "surrogatepass")
    return data.replace(b"\n", b"\n    ")


def item_json(item: Any) -> str:
    """One item of the list in :func:`json_chunks` as its text there."""
    return item_bytes(item).decode("utf-8", "surrogatepass")


#: A chunk of :func:`echo_json_chunks`: text, its UTF-8 bytes, or a file of them.
Chunk = str | bytes | Path


@overload
def list_chunks(items: Iterable[str]) -> Iterator[str]: ...


@overload
def list_chunks(items: Iterable[Chunk]) -> Iterator[Chunk]: ...


def list_chunks(items: Iterable[Chunk]) -> Iterator[Chunk]:
    """A list of items already made text (:func:`item_json`), piece by piece. An item may
    also be bytes (:func:`item_bytes`) or a file of them (several items joined by
    :data:`ITEM_SEPARATOR`), passed on as it is."""
    first = True
    for item in items:
        opening = "[\n    " if first else ITEM_SEPARATOR
        first = False
        if isinstance(item, str):
            yield opening + item
        else:
            yield opening
            yield item
    yield "[]" if first else "\n  ]"


def json_chunks(data: dict[str, Any], key: str, items: Iterable[Any]) -> Iterator[str]:
    """:func:`dump_json` of ``data`` with ``items`` as its list under ``key``, piece by
    piece: each item is encoded (by orjson) as it comes and can be let go. The text is the
    same as ``dump_json({**data, key: list(items)})`` (a test compares them)."""
    head, tail = json_around(data, key)
    yield head
    yield from list_chunks(map(item_json, items))
    yield tail


#: The bytes gathered before each write into an output file (a person's result is a few KiB:
#: written one or two at a time, a large output took tens of thousands of system calls).
WRITE_BUFFER: Final = 1 << 20


def echo_json_chunks(chunks: Iterable[Chunk], output: Path | None) -> None:
    """:func:`echo_json` for text made piece by piece (:func:`json_chunks`). A chunk that is
    a file is copied as it is: by the kernel into ``output`` where it can, without reading
    it into the process."""
    if output is None:
        for chunk in chunks:
            if isinstance(chunk, Path):
                for block in _blocks(chunk):
                    click.echo(block, nl=False)
            else:
                text = chunk if isinstance(chunk, str) else chunk.decode("utf-8", "surrogatepass")
                click.echo(text, nl=False)
        click.echo()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("wb", buffering=WRITE_BUFFER) as handle:
            for chunk in chunks:
                if isinstance(chunk, str):
                    handle.write(chunk.encode("utf-8"))
                elif isinstance(chunk, bytes):
                    handle.write(chunk)
                else:
                    copy_file(chunk, handle)
            handle.write(b"\n")
    except OSError as error:
        click.echo(
            _("sscert: cannot write {output}: {error}").format(output=output, error=error),
            err=True,
        )
        raise SystemExit(2) from None
    click.echo(_("wrote {output}").format(output=output), err=True)


def _blocks(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as handle:
        while block := handle.read(1 << 20):
            yield block


def copy_file(source: Path, handle: BinaryIO) -> None:
    """Append the bytes of ``source`` to the open file ``handle``: ``copy_file_range`` (the
    kernel copies them; several times faster than reading and writing them here) where the
    system has it, else a block at a time."""
    handle.flush()
    with source.open("rb") as data:
        size = os.fstat(data.fileno()).st_size
        done = 0
        try:
            while done < size:
                sent = os.copy_file_range(data.fileno(), handle.fileno(), size - done)
                if sent == 0:
                    break
                done += sent
        except (AttributeError, OSError):  # not on this system, or not between these files
            pass
        handle.seek(0, os.SEEK_END)  # where the kernel left the file
        data.seek(done)
        shutil.copyfileobj(data, handle, 1 << 20)


#: ``-o/--output FILE``: write JSON there instead of standard output.
OUTPUT_OPTION = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the result to this file instead of standard output.",
)


def echo_json(data: Any, output: Path | None) -> None:
    """``data`` as JSON on standard output, or into ``output`` (saying so on stderr). A file
    that cannot be written is a clear error (exit 2), never a traceback."""
    echo_json_chunks([dump_json(data)], output)
