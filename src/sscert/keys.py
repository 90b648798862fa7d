"""Key files: Ed25519 key pairs for signed checkpoints and channel attestations.

``sscert keys generate --out NAME`` writes ``NAME.key`` (the private key, PEM, readable by
its owner only: mode 0600) and ``NAME.pub`` (the public key, PEM). A key's id is derived
from its public key (``sscert-`` and 16 hex digits of its SHA-256), so that a checkpoint or
an attestation names the key that signed it and nobody can claim another key's id.

Private keys stay with whoever signs: the office that keeps checkpoints, the channel that
certifies. Nothing in sscert hands a private key to a plugin (see ``docs/security.md``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from sscert.attestation import AttestationSigner
from sscert.i18n import _

__all__ = [
    "KeyFileError",
    "generate_key_files",
    "key_id_of",
    "load_private_key",
    "load_public_key",
    "private_key_pem",
    "public_key_pem",
    "read_small_file",
]

MAX_KEY_FILE = 16_384


class KeyFileError(ValueError):
    """A key file that cannot be written or read, or holds no Ed25519 key."""


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """The id of a public key: ``sscert-`` and the first 16 hex digits of its SHA-256."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "sscert-" + hashlib.sha256(raw).hexdigest()[:16]


def private_key_pem(key: Ed25519PrivateKey | AttestationSigner) -> bytes:
    """The PKCS #8 PEM of a private key (for a key ceremony; keep it out of logs)."""
    private = key.private_key if isinstance(key, AttestationSigner) else key
    return private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise KeyFileError(
            _("{path} exists: choose another name (keys are never overwritten)").format(path=path)
        ) from None
    except OSError as error:
        raise KeyFileError(
            _("cannot write {path}: {strerror}").format(path=path, strerror=error.strerror)
        ) from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)  # the umask may have narrowed or widened it


def generate_key_files(out: str | Path) -> tuple[Path, Path, str]:
    """Write ``OUT.key`` (mode 0600) and ``OUT.pub``; return their paths and the key id.

    Refuses to overwrite either file."""
    base = Path(out)
    key_path, pub_path = base.with_name(base.name + ".key"), base.with_name(base.name + ".pub")
    if not base.parent.is_dir():
        raise KeyFileError(_("{parent} is not a folder").format(parent=base.parent))
    for path in (key_path, pub_path):
        if path.exists():
            raise KeyFileError(
                _("{path} exists: choose another name (keys are never overwritten)").format(
                    path=path
                )
            )
    private = Ed25519PrivateKey.generate()
    _write_new(key_path, private_key_pem(private), 0o600)
    _write_new(pub_path, public_key_pem(private.public_key()), 0o644)
    return key_path, pub_path, key_id_of(private.public_key())


def read_small_file(path: str | Path, limit: int, too_large: str, error: type[Exception]) -> bytes:
    """The bytes of a small file (a key, a checkpoint), read no further than ``limit``;
    ``error`` saying it cannot be read, or ``too_large`` (with ``{path}``) when it is more."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as problem:
        raise error(
            _("cannot read {path}: {strerror}").format(path=path, strerror=problem.strerror)
        ) from None
    if len(data) > limit:
        raise error(too_large.format(path=path))
    return data


def _read(path: str | Path) -> bytes:
    return read_small_file(
        path, MAX_KEY_FILE, _("{path} is too large to be a key file"), KeyFileError
    )


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """The Ed25519 private key of a ``.key`` file; :class:`KeyFileError` otherwise."""
    try:
        key = load_pem_private_key(_read(path), password=None)
    except (ValueError, TypeError):
        raise KeyFileError(
            _("{path} holds no readable private key (PEM, unencrypted)").format(path=path)
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(_("{path} holds a private key that is not Ed25519").format(path=path))
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """The Ed25519 public key of a ``.pub`` file; :class:`KeyFileError` otherwise."""
    try:
        key = load_pem_public_key(_read(path))
    except (ValueError, TypeError):
        raise KeyFileError(
            _("{path} holds no readable public key (PEM)").format(path=path)
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(_("{path} holds a public key that is not Ed25519").format(path=path))
    return key
