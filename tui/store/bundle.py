"""The field bundle file: an encrypted, authenticated envelope around records.

    KUFFERT-BUNDLE 1\\n
    {header: kdf and its parameters, salt, cipher, nonce, key check}\\n
    ciphertext (AES-256-GCM over the zlib-compressed JSON payload)

The header is authenticated too (it is the cipher's associated data), so changing the
key-derivation parameters or the nonce fails like any other tampering. The key comes from
the passphrase through scrypt, which is memory-hard: guessing passphrases from a lost
USB stick costs 32 MiB of memory per guess. A short check value derived beside the key
tells a wrong passphrase from a damaged file.

The payload is ``{"manifest": {...}, "records": [...]}``; the manifest's checksum is the
SHA-256 of the records' canonical JSON.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.i18n import msg
from tui.store.errors import StoreError

MAGIC = b"KUFFERT-BUNDLE 1\n"
FORMAT_VERSION = 1
# 32 MiB and about a tenth of a second on a low-end laptop; the bundle stores them, so
# they can be raised later without breaking old bundles.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
# A header asking for more than this is refused rather than run (a planted file must
# not make the import eat all memory).
MAX_N, MAX_R, MAX_P = 2**20, 16, 4
MAX_HEADER = 4096


class BundleError(StoreError):
    """A bundle that cannot be read or used; nothing was changed."""


@dataclass(frozen=True)
class Bundle:
    manifest: dict[str, Any]
    records: list[dict[str, Any]]


def checksum(records: list[dict[str, Any]]) -> str:
    return hashlib.sha256(_canonical(records)).hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def _keys(passphrase: str, salt: bytes, n: int, r: int, p: int) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    material = Scrypt(salt=salt, length=64, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return material[:32], material[32:]


def _check_value(check_key: bytes) -> str:
    return hmac.new(check_key, b"kuffert passphrase check", "sha256").hexdigest()[:16]


def encrypt(manifest: dict[str, Any], records: list[dict[str, Any]], passphrase: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    key, check_key = _keys(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    header = {
        "format": FORMAT_VERSION, "kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R,
        "p": SCRYPT_P, "salt": _b64(salt), "cipher": "AES-256-GCM", "nonce": _b64(nonce),
        "check": _check_value(check_key),
    }
    head = MAGIC + json.dumps(header, sort_keys=True).encode("ascii") + b"\n"
    payload = {"manifest": {**manifest, "checksum": checksum(records)}, "records": records}
    plain = zlib.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"), 6)
    return head + AESGCM(key).encrypt(nonce, plain, head)


def decrypt(data: bytes, passphrase: str, source: str) -> Bundle:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    damaged = msg("{file} is damaged or cut short (it does not authenticate); nothing was "
                  "changed. Ask for the bundle again.", file=source)
    if not data.startswith(MAGIC):
        raise BundleError(msg("{file} is not a Kuffert bundle; nothing was changed.",
                              file=source))
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER)
    if end < 0:
        raise BundleError(damaged)
    head = data[: end + 1]
    try:
        header = json.loads(head[len(MAGIC):])
        salt, nonce = _unb64(header["salt"]), _unb64(header["nonce"])
        n, r, p = (header[k] for k in ("n", "r", "p"))
        known = (header["format"] == FORMAT_VERSION and header["kdf"] == "scrypt"
                 and header["cipher"] == "AES-256-GCM")
        sane = all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (n, r, p))
    except (ValueError, KeyError, TypeError):
        raise BundleError(damaged) from None
    if not known:
        raise BundleError(msg("{file} was made by a newer Kuffert (an unknown bundle format);"
                              " nothing was changed. Update Kuffert.", file=source))
    if not sane or n > MAX_N or r > MAX_R or p > MAX_P or n & (n - 1) or len(nonce) != 12:
        raise BundleError(damaged)
    key, check_key = _keys(passphrase, salt, n, r, p)
    if not hmac.compare_digest(str(header.get("check", "")), _check_value(check_key)):
        raise BundleError(msg("The passphrase does not open {file}; nothing was changed.",
                              file=source))
    try:
        plain = AESGCM(key).decrypt(nonce, data[end + 1:], head)
        payload = json.loads(zlib.decompress(plain))
        manifest, records = payload["manifest"], payload["records"]
        if not isinstance(manifest, dict) or not isinstance(records, list):
            raise TypeError
    except (InvalidTag, ValueError, KeyError, TypeError, zlib.error, RecursionError):
        raise BundleError(damaged) from None
    if not hmac.compare_digest(str(manifest.get("checksum", "")), checksum(records)):
        raise BundleError(damaged)
    return Bundle(manifest, records)


def read_bundle(path: Path, passphrase: str) -> Bundle:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BundleError(msg("There is no file {file}.", file=str(path))) from None
    except IsADirectoryError:
        raise BundleError(msg("{file} is a folder, not a bundle.", file=str(path))) from None
    return decrypt(data, passphrase, str(path))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
