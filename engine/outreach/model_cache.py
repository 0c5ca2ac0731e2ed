"""The fitted contact ranker, kept on disk beside the workspace between runs.

Fitting the ranker on 100,000 contacts takes seconds; without this, the first page after every
start of the dashboard (and every ``rapport rank`` command) that day waits for it although nothing
changed. The
file, ``<folder>/cache/<workspace>.ranker.pickle``, holds a header (format, the code that fitted
it, the workspace's data version and fingerprint, the day) and then the ranker with the contacts
it was fitted on; a header that does not match means the file is ignored and replaced.

It is a pickle: only files this program wrote are read, from the workspace's own folder (which
holds the workspace itself, as private); backups never include it. ``RAPPORT_MODEL_CACHE=0`` turns
it off.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import tempfile
import threading
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)
FORMAT = 2  # 2: list columns (tags) kept as lists


def enabled() -> bool:
    return os.environ.get("RAPPORT_MODEL_CACHE", "1") != "0"


def cache_file(db_path: str | Path) -> Path:
    path = Path(db_path)
    return path.parent / "cache" / f"{path.name}.ranker.pickle"


@functools.cache
def code_fingerprint() -> str:
    """The ranking code, its data files and the libraries its pickles depend on: a change in any
    refits."""
    return sources_fingerprint(Path(__file__).resolve().parents[1] / "ranking")


LIBRARIES = ("numpy", "pandas", "scipy", "scikit-learn", "duckdb")  # what the kept results are computed with


def sources_fingerprint(folder: Path, recursive: bool = False) -> str:
    """A digest of ``folder``'s code (*.py) and data files (*.toml: roles.toml, which users are
    invited to extend, decides how every title reads), with its subfolders' when ``recursive``, and
    of the libraries' versions (read from their metadata: importing them to ask would cost Home the
    imports that keeping its flags saves)."""
    find = folder.rglob if recursive else folder.glob
    digest = hashlib.sha256()
    for source in sorted([*find("*.py"), *find("*.toml")]):
        digest.update(source.relative_to(folder).as_posix().encode())
        digest.update(source.read_bytes())
    for library in LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{library}={metadata.version(library)}".encode())
    return digest.hexdigest()


def load(db_path: str | Path, key: tuple):
    """(ranker, contacts) fitted for ``key``, or None (no file, another key, unreadable)."""
    found = _read(cache_file(db_path), key)
    if found is None:
        return None
    ranker, contacts, arrays = found
    return ranker, _unpacked(contacts, arrays)


def _read(target: Path, key: tuple):
    """What ``_write`` wrote to ``target`` for ``key``, or None (off, no file, another key, unreadable)."""
    if not enabled():
        return None
    try:
        with open(target, "rb") as file:
            if pickle.load(file) != (FORMAT, code_fingerprint(), key):
                return None
            return pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception as error:  # a file cut short, an older format: made afresh and written again
        log.info("ignoring %s: %s", target.name, error)
        return None


def save(db_path: str | Path, key: tuple, ranker, contacts) -> None:
    """Write the cache in the background (whole or not at all); failures are logged, never raised. A
    process that ends meanwhile (``rapport rank``) finishes the write first (``_in_background``)."""
    if enabled():
        _in_background(cache_file(db_path), key, lambda: (ranker, *_packed(contacts)))


def readings_file(db_path: str | Path) -> Path:
    path = Path(db_path)
    return path.parent / "cache" / f"{path.name}.readings.pickle"


def load_readings(db_path: str | Path, key: tuple) -> dict | None:
    """The goals' readings (engine.ranking.readings.KeptReadings.unsaved) kept for the ranker fitted
    for ``key``, or None: a restart then reads no goal it read before (at 100,000 contacts and 5
    goals, their text fit was a third of the first ranking)."""
    return _read(readings_file(db_path), key)


def save_readings(db_path: str | Path, key: tuple, saved: dict) -> None:
    """Write the goals' readings beside the ranker, in the background, as ``save`` does. The segments'
    fits the file holds for goals still kept are kept (memory holds only those read since)."""
    if enabled():
        def merged() -> dict:
            kept = {k for k, _ in saved["readings"]}
            fits = dict(saved["fits"])
            before = load_readings(db_path, key) or {}
            fits.update({k: f for k, f in before.get("fits", []) if k in kept and k not in fits})
            return {"readings": saved["readings"], "fits": list(fits.items())}

        _in_background(readings_file(db_path), key, merged)


def learned_file(db_path: str | Path) -> Path:
    path = Path(db_path)
    return path.parent / "cache" / f"{path.name}.learned.pickle"


def load_learned(db_path: str | Path, key: tuple) -> tuple | None:
    """(the response model or None, the learning status) learned for ``key``, or None: a restart then
    does not learn again from outcomes it learned from (0.5-1 s of Home's preparation at 100,000
    contacts, which Today's first click waits for)."""
    return _read(learned_file(db_path), key)


def save_learned(db_path: str | Path, key: tuple, model, status: dict) -> None:
    """Write what ``load_learned`` reads, in the background, as ``save`` does."""
    if enabled():
        _in_background(learned_file(db_path), key, lambda: (model, status))


def _in_background(target: Path, key: tuple, payload) -> None:
    # Not a daemon: a process that ends meanwhile finishes the write first (the interpreter waits for it).
    writer = threading.Thread(target=_write, args=(target, key, payload), name="rapport-ranker-cache", daemon=False)
    with _write_lock:
        writer.start()
        _writers[:] = [w for w in [*_writers, writer] if w.is_alive()]


def finish_writes(timeout: float = 60.0) -> None:
    """Wait for the cache files being written (a benchmark that reads them next)."""
    with _write_lock:
        writers = list(_writers)
    for writer in writers:
        writer.join(timeout)


_write_lock = threading.Lock()  # guards _writers
_writers: list[threading.Thread] = []
_file_lock = threading.Lock()  # one file written at a time


def _write(target: Path, key: tuple, payload) -> None:
    """``payload()`` pickled to ``target`` after its header, through a temporary file."""
    def dump(file) -> None:
        pickle.dump((FORMAT, code_fingerprint(), key), file, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(payload(), file, protocol=pickle.HIGHEST_PROTOCOL)

    with _file_lock:
        write_whole(target, dump)


def write_whole(target: Path, dump, mode: str = "wb") -> None:
    """``dump(file)`` into ``target`` through a temporary file beside it, replaced in one step: whole or
    not at all. Failures are logged, never raised (a full disk, a read-only folder: made again next time)."""
    temp = None
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(handle, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as file:
            dump(file)
        os.replace(temp, target)
        temp = None
    except Exception as error:
        log.info("could not keep %s: %s", target.name, error)
    finally:
        if temp:
            with contextlib.suppress(OSError):
                os.unlink(temp)


# A column holding one small array per contact (``tags``, as DuckDB gives a list column) took 0.8 s of
# the 1.1 s that reading the file back cost at 100,000 contacts: each array is pickled as an object of its
# own. Such columns are kept as plain lists, which pickle reads fast, and made arrays again on reading.
def _packed(contacts):
    import numpy

    arrays = [name for name in contacts.columns if contacts[name].dtype == object
              and any(isinstance(value, numpy.ndarray) for value in contacts[name].head(100))]
    if not arrays:
        return contacts, []
    lists = {name: [v.tolist() if isinstance(v, numpy.ndarray) else v for v in contacts[name]] for name in arrays}
    return contacts.assign(**{name: _objects(values) for name, values in lists.items()}), arrays


def _unpacked(contacts, arrays: list[str]):
    import numpy

    if not arrays:
        return contacts
    empty = numpy.array([], dtype=object)  # most contacts have no tags: one empty array (it has nothing to change)

    def array(value):
        return (numpy.array(value, dtype=object) if value else empty) if isinstance(value, list) else value

    return contacts.assign(**{name: _objects([array(v) for v in contacts[name]]) for name in arrays})


def _objects(values: list):
    """An object array holding ``values`` as they are (numpy would make a list of equal-length lists 2-D)."""
    import numpy

    out = numpy.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out
