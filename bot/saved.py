"""What the saved copies between starts (checked decks, the search index) have in common:
a stamp of the code that made them, and files that are written whole or not at all."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import BinaryIO

_HERE = Path(__file__).resolve().parent


@cache
def code_stamp(kind: str, modules: tuple[str, ...], libraries: tuple[str, ...]) -> bytes:
    """A digest of `kind` (its format), the source of these `bot/` modules and these
    libraries' versions: what a saved copy is only good for."""
    h = hashlib.blake2b(kind.encode())
    for library in libraries:
        h.update(f";{library} {version(library)}".encode())
    try:
        for name in modules:
            h.update((_HERE / name).read_bytes())
    except OSError:  # no sources to read (a zipped install): never trust a saved copy
        h.update(os.urandom(16))
    return h.digest()


def write_whole(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file through `write` into a temporary file beside it, then move it into
    place: a crash leaves the old file or none, never half of one. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".saving-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
