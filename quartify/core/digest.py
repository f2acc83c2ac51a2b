"""BLAKE2b, the one hash quartify uses (cache keys, fingerprints, checksums), without `hashlib`.

Importing `hashlib` loads OpenSSL's `_hashlib` (libcrypto) to offer its algorithms, ~1.7 ms of a
one-file check's start-up, yet `hashlib.blake2b` is always CPython's own `_blake2.blake2b` (the
OpenSSL constructor is never used for BLAKE2): the same function, so the same digests.
`hashlib`'s is taken where `_blake2` does not exist (another interpreter).
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - not CPython
    from hashlib import blake2b

__all__ = ["blake2b"]
