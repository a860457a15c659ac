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
# A header asking for more than this is refused in words rather than run: a planted
# file must not make the import eat all memory (n=2**17, r=8 is 128 MiB).
MAX_N, MAX_R, MAX_P = 2**17, 8, 1
MAX_HEADER = 4096
# The decompressed payload may be at most this big: a crafted bundle of a few kilobytes
# could otherwise inflate to gigabytes. Far above any real set of courses.
MAX_PAYLOAD = 256 * 1024 * 1024


class BundleError(StoreError):
    """A bundle that cannot be read or used; nothing was changed."""


@dataclass(frozen=True)
class Bundle:
    manifest: dict[str, Any]
    records: list[dict[str, Any]]


def checksum(records: list[dict[str, Any]]) -> str:
    return hashlib.sha256(_canonical(records)).hexdigest()


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    plain = inflater.decompress(data, MAX_PAYLOAD)
    if inflater.unconsumed_tail or not inflater.eof:
        raise ValueError("payload too large or cut short")
    return plain


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
        if not isinstance(header, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise BundleError(damaged) from None
    if not known:
        raise BundleError(msg("{file} was made by a newer Kuffert (an unknown bundle format);"
                              " nothing was changed. Update Kuffert.", file=source))
    if not sane or n < 2 or n & (n - 1) or len(nonce) != 12 or not salt:
        raise BundleError(damaged)
    if n > MAX_N or r > MAX_R or p > MAX_P:
        raise BundleError(msg("{file} asks for more memory to open than Kuffert allows "
                              "(key derivation n={n}, r={r}, p={p}; at most n={max_n}, "
                              "r={max_r}, p={max_p}); nothing was changed. Kuffert never "
                              "writes such a bundle: someone made it by hand.", file=source,
                              n=n, r=r, p=p, max_n=MAX_N, max_r=MAX_R, max_p=MAX_P))
    try:
        key, check_key = _keys(passphrase, salt, n, r, p)
    except MemoryError:
        raise BundleError(msg("There is not enough memory to open {file}; nothing was "
                              "changed. Close other programs and try again.",
                              file=source)) from None
    if not hmac.compare_digest(str(header.get("check", "")), _check_value(check_key)):
        raise BundleError(msg("The passphrase does not open {file}; nothing was changed.",
                              file=source))
    try:
        plain = AESGCM(key).decrypt(nonce, data[end + 1:], head)
        payload = json.loads(_inflate(plain))
        manifest, records = payload["manifest"], payload["records"]
        if not isinstance(manifest, dict) or not isinstance(records, list):
            raise TypeError
        # A lone surrogate is valid JSON but no text: the checksum cannot encode it.
        summed = checksum(records)
    except (InvalidTag, ValueError, KeyError, TypeError, zlib.error, RecursionError):
        raise BundleError(damaged) from None
    except MemoryError:
        raise BundleError(msg("There is not enough memory to open {file}; nothing was "
                              "changed. Close other programs and try again.",
                              file=source)) from None
    if not hmac.compare_digest(str(manifest.get("checksum", "")), summed):
        raise BundleError(damaged)
    return Bundle(manifest, records)


def read_bundle(path: Path, passphrase: str) -> Bundle:
    data = read_input(path)
    return decrypt(data, passphrase, str(path))


def read_input(path: Path) -> bytes:
    """A file the user names, read only if it is a regular file: a FIFO or a device
    there would hang the command or read forever."""
    from tui.store.files import UnsafeFile, read_regular

    try:
        found = read_regular(path)
    except UnsafeFile as error:
        raise BundleError(error.message) from None
    except OSError as error:
        raise BundleError(msg("Kuffert could not read {file}: {reason}", file=str(path),
                              reason=error.strerror or str(error))) from None
    if found is None:
        raise BundleError(msg("There is no file {file}.", file=str(path)))
    return found[0]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise TypeError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)
