"""Signed checkpoints: an anchor for the hash chain kept outside the store.

A hash chain shows that no row was changed *in place*; it cannot show that the chain was
not cut short, reordered or rewritten from some row on with fresh hashes, by someone who can
write the database file. A checkpoint closes that gap the way Certificate Transparency's
signed tree heads do: the office signs the store's row count and head hash at a moment
(``sscert store checkpoint``) and keeps the small signed file elsewhere; later,
``sscert store verify --checkpoint`` checks that the store still has at least those rows and
that its row at that count still has that hash — so the store only ever grew.

What it does not catch: someone who holds both the store and the checkpoint key can sign a
new checkpoint for a rewritten chain. Keep the key away from the store's machine.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Final

from attrs import frozen
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sscert.attestation import b64decode_strict, b64encode
from sscert.i18n import _
from sscert.keys import key_id_of, read_small_file
from sscert.store.sqlite import ChainBreak, SQLiteStore
from sscert.values.limits import loads

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "make_checkpoint",
    "read_checkpoint",
    "verify_against",
]

FORMAT: Final = "sscert-checkpoint/1"
MAX_FILE: Final = 65_536
_HASH: Final = re.compile(r"[0-9a-f]{64}", re.ASCII)


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read, or whose signature does not verify."""


@frozen
class Checkpoint:
    """The store's row count and head hash at a time, signed by a key."""

    rows: int
    head: str
    time: str
    key_id: str
    signature: str = ""

    def payload(self) -> bytes:
        body = {
            "format": FORMAT,
            "rows": self.rows,
            "head": self.head,
            "time": self.time,
            "key_id": self.key_id,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "rows": self.rows,
            "head": self.head,
            "time": self.time,
            "key_id": self.key_id,
            "signature": self.signature,
        }


def make_checkpoint(store: SQLiteStore, key: Ed25519PrivateKey, now: dt.datetime) -> Checkpoint:
    """Sign the store's current head. ``now`` is the time written into it (an argument: the
    command passes the clock)."""
    rows, head = store.head()
    unsigned = Checkpoint(rows, head, now.isoformat(), key_id_of(key.public_key()))
    return Checkpoint(
        rows, head, unsigned.time, unsigned.key_id, b64encode(key.sign(unsigned.payload()))
    )


def read_checkpoint(path: str | Path, public_key: Ed25519PublicKey) -> Checkpoint:
    """A checkpoint file whose signature verifies under ``public_key``;
    :class:`CheckpointError` saying why otherwise."""
    raw = read_small_file(
        path, MAX_FILE, _("{path} is too large to be a checkpoint"), CheckpointError
    )
    try:
        data = loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise CheckpointError(
            _("{path} is not a checkpoint (not JSON: {error})").format(path=path, error=error)
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(
            _("{path} is not a checkpoint (format {FORMAT} expected)").format(
                path=path, FORMAT=FORMAT
            )
        )
    rows, head = data.get("rows"), data.get("head")
    time, key_id, signature = data.get("time"), data.get("key_id"), data.get("signature")
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        raise CheckpointError(_("{path}: rows must be a whole number").format(path=path))
    if not isinstance(head, str) or not _HASH.fullmatch(head):
        raise CheckpointError(_("{path}: head must be a SHA-256 in hex").format(path=path))
    if not all(isinstance(v, str) and len(v) <= 200 for v in (time, key_id, signature)):
        raise CheckpointError(
            _("{path}: time, key_id and signature must be short text").format(path=path)
        )
    checkpoint = Checkpoint(rows, head, str(time), str(key_id), str(signature))
    if checkpoint.key_id != key_id_of(public_key):
        raise CheckpointError(
            _(
                "{path} was signed by key {key_id}, not by the public key given ({key_id_of})"
            ).format(path=path, key_id=checkpoint.key_id, key_id_of=key_id_of(public_key))
        )
    try:
        public_key.verify(b64decode_strict(checkpoint.signature), checkpoint.payload())
    except (InvalidSignature, ValueError):
        raise CheckpointError(
            _("{path}: its signature does not verify: it was altered").format(path=path)
        ) from None
    return checkpoint


def verify_against(store: SQLiteStore, checkpoint: Checkpoint) -> ChainBreak | None:
    """Whether the store extends the checkpoint: at least as many rows, and the row at the
    checkpoint's count with the checkpoint's hash. Call after :meth:`SQLiteStore.verify`."""
    rows, _head = store.head()
    if rows < checkpoint.rows:
        return ChainBreak(
            rows,
            "",
            _("the store has {rows} rows, the checkpoint {rows2}").format(
                rows=rows, rows2=checkpoint.rows
            ),
        )
    if checkpoint.rows == 0:
        return None
    if store.hash_at(checkpoint.rows) != checkpoint.head:
        return ChainBreak(
            checkpoint.rows,
            "",
            _(
                "row {rows}'s hash differs from the checkpoint's: the chain was rewritten up to it"
            ).format(rows=checkpoint.rows),
        )
    return None
