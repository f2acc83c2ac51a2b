"""Keep the linker's answers on disk between processes (a pre-commit hook, an editor's one-file
checks): see analysis/link_memory.py for when a later run may adopt them.

One record per cache directory (`links.lnk`, beside the index cache's entries, which it does not
touch): the last run's answers, unless its linker is `cyclic` (analysis/link.py). It is
written atomically (temp file, rename) and read only when its header (magic, quartify's code
fingerprint, length, checksum) matches; anything else is no record, and the run links from
scratch. The payload is marshal data (strings, tuples, lists, dicts): loading it runs no code.
The checksum, like the index cache's, is CRC-32: it is there to catch a damaged record, and it
takes a tenth of the time a BLAKE2 digest of the ~1.3 MB took (~1.4 ms of a one-file check on a
50 kLOC project).
Like the index cache, a record can make a run faster and never change its result.

A one-file check after an edit changes the record only in the edited module's facts (its
signature digest, body facts and scans, all by the module's text), yet writing the whole record
again (~1.3 MB on a 50 kLOC project) was about 10 ms of it. `worth_saving` lets the record on
disk stand while it holds the same answers under the same key and lacks the facts of at most
`STALE` modules of the new one: a later run that reads it works those few modules out again, as
it does for any module it has not seen.
"""

from __future__ import annotations

import marshal
import zlib
from pathlib import Path

from quartify.analysis.link_memory import LinkRecord
from quartify.core.index_cache import code_fingerprint
from quartify.core.tempfiles import replace_with

MAGIC = b"quartify-link-answers 5\n"  # 5: CRC-32 checksum
NAME = "links.lnk"
STALE = 4  # modules whose facts a record on disk may lack before it is written again


def load(directory: Path) -> LinkRecord | None:
    """The record kept in `directory`, or None (none, unreadable, another quartify, corrupt)."""
    try:
        blob = (directory / NAME).read_bytes()
    except OSError:
        return None
    if not blob.startswith(MAGIC):
        return None
    try:
        head, _, payload = blob[len(MAGIC):].partition(b"\n\n")
        fingerprint, length, check = head.decode("ascii").split("\n")
        if fingerprint != code_fingerprint() or int(length) != len(payload):
            return None
        if _check(payload) != check:
            return None
        digest, answers, arguments, definers, base, signatures, world, bodies, scans = marshal.loads(payload)
    except Exception:  # a broken record of any kind is no record, never a failed run
        return None
    if not (isinstance(digest, bytes) and isinstance(answers, dict) and isinstance(arguments, dict)
            and isinstance(definers, dict) and isinstance(base, int) and isinstance(signatures, dict)
            and isinstance(world, bytes) and isinstance(bodies, dict) and isinstance(scans, dict)):
        return None
    return LinkRecord(digest, answers, arguments, definers, base, signatures, world, bodies, scans)


def _check(payload: bytes) -> str:
    return f"{zlib.crc32(payload):08x}"


def worth_saving(record: LinkRecord, kept: LinkRecord | None) -> bool:
    """Whether `record` should replace `kept` (the record on disk the run read, None for none):
    not when both hold the same answers under the same key and repo-wide facts and `kept` lacks
    the per-module facts of at most `STALE` modules of `record`."""
    if kept is None or (record.digest, record.base, record.world) != (kept.digest, kept.base, kept.world):
        return True
    if record.answers != kept.answers or record.arguments != kept.arguments or record.definers != kept.definers:
        return True
    missing: set[str] = set()
    for mine, theirs in ((record.signatures, kept.signatures), (record.bodies, kept.bodies),
                         (record.scans, kept.scans)):
        missing.update(key for key in mine if key not in theirs)
        if len(missing) > STALE:
            return True
    return False


def save(directory: Path, record: LinkRecord) -> bool:
    """Store `record` in `directory` (which must exist: the index cache made it); False when it
    cannot be written (the run goes on)."""
    try:
        payload = marshal.dumps((record.digest, record.answers, record.arguments, record.definers, record.base,
                                 record.signatures, record.world, record.bodies, record.scans))
        check = _check(payload)
        blob = MAGIC + f"{code_fingerprint()}\n{len(payload)}\n{check}\n\n".encode() + payload
        if not directory.is_dir():
            return False
        replace_with(directory / NAME, blob, prefix=".tmp-", suffix=".lnk")
    except (OSError, ValueError):
        return False
    return True
