"""Which files a list of command-line paths stands for: `iter_inputs(paths)`.

Yields `(path, None)` for each file to read and `(path, ReadError)` for each
path that cannot be: a path that does not exist ("no such file or folder"), a
file given directly with an unsupported extension ("unsupported file type
.xyz"), an unreadable folder, a symlink loop. Folders are walked recursively in
sorted order (deterministic), yielding supported files only; hidden entries
(".git", ".DS_Store") and Word lock files ("~$x.docx") are skipped there.
Paths are joined, not resolved: for "corpus/" a file is "corpus/a.txt". A file
reached twice (given twice, or through a link) is yielded once. Nothing here
reads file contents.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator

from .errors import ReadError
from .read import SUPPORTED, extension, unsupported_reason


def iter_inputs(paths: Iterable[str]) -> Iterator[tuple[str, ReadError | None]]:
    seen_files: set[tuple[int, int]] = set()
    for raw in paths:
        path = os.fspath(raw)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            reason = "no such file or folder" + (" (broken link)" if os.path.islink(path) else "")
            yield path, ReadError(path, reason)
            continue
        except PermissionError:
            yield path, ReadError(path, "permission denied")
            continue
        except OSError as e:
            reason = "symlink loop" if e.errno == 40 else f"cannot read: {e.strerror or e}"
            yield path, ReadError(path, reason)
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path, seen_files, {(st.st_dev, st.st_ino)})
        elif stat.S_ISREG(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in seen_files:
                continue
            seen_files.add(key)
            if extension(path) in SUPPORTED:
                yield path, None
            else:
                yield path, ReadError(path, unsupported_reason(path))
        else:
            yield path, ReadError(path, "not a regular file")


def _walk(folder: str, seen_files: set, ancestors: set) -> Iterator[tuple[str, ReadError | None]]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except PermissionError:
        yield folder, ReadError(folder, "cannot read folder: permission denied")
        return
    except OSError as e:
        yield folder, ReadError(folder, f"cannot read folder: {e.strerror or e}")
        return
    for entry in entries:
        name = entry.name
        if name.startswith(".") or name.startswith("~$"):
            continue
        path = os.path.join(folder, name)
        try:
            st = entry.stat(follow_symlinks=True)
        except OSError as e:
            if entry.is_symlink():
                if e.errno == 40:
                    yield path, ReadError(path, "symlink loop")
                continue  # a dangling link inside a folder is not an input
            yield path, ReadError(path, f"cannot read: {e.strerror or e}")
            continue
        key = (st.st_dev, st.st_ino)
        if stat.S_ISDIR(st.st_mode):
            if key in ancestors:
                yield path, ReadError(path, "symlink loop (links back to a folder above it)")
                continue
            yield from _walk(path, seen_files, ancestors | {key})
        elif stat.S_ISREG(st.st_mode) and extension(name) in SUPPORTED:
            if key in seen_files:
                continue
            seen_files.add(key)
            yield path, None
