"""Opening a replica: check the file, read its schema version, upgrade it, make sure search works.

The file is never deleted or rewritten to recover from an error (the agent's data is in it).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import exc

from sfa_desktop.local_db import migrations
from sfa_desktop.local_db.bulk import ensure_indexes
from sfa_desktop.local_db.engine import (
    Replica,
    _check_key,
    check_file_shape,
    classify_open_error,
    is_blank,
    make_engine,
)
from sfa_desktop.local_db.errors import ReplicaMissingError
from sfa_desktop.local_db.search import ensure_search

log = logging.getLogger(__name__)


def open_replica(path: Path | str, key: bytes, *, create: bool = True,
                 on_upgrade: Callable[[int, int], None] | None = None) -> Replica:
    """Open (or create) the replica at `path` with its 32-byte key, upgrading its schema.

    Raises ReplicaLockedError (key does not match), ReplicaCorruptError (damaged file),
    ReplicaTooNewError (written by a newer app) or ReplicaMissingError. The file is never
    deleted or rewritten to recover from any of these.
    """
    path = Path(path)
    _check_key(key)
    if not path.parent.is_dir():
        raise ReplicaMissingError(f"The folder {path.parent} for the local database does not exist.",
                                  path=path)
    exists = path.exists()
    if not exists and not create:
        raise ReplicaMissingError(f"There is no local database at {path}. Sync to create it.",
                                  path=path)
    if exists and not is_blank(path):
        check_file_shape(path)
        version = migrations.read_version(path, key)  # refuses too-new files before any write
    else:
        version = 0
        if not exists:
            # Created private before SQLite touches it; -wal and -shm inherit its mode.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    engine = make_engine(path, key)
    try:
        migrations.upgrade(engine, path=path, from_version=version, on_upgrade=on_upgrade)
    except BaseException as error:
        engine.dispose()
        if not exists:  # only what this call created, never an agent's data
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        if isinstance(error, exc.DBAPIError):
            raise classify_open_error(path, error.orig) from error
        raise

    try:
        with engine.begin() as conn:  # a first sync killed mid-way left indexes and search to be rebuilt
            if ensure_indexes(conn) | ensure_search(conn):
                log.info("indexes and search of %s rebuilt after an interrupted first sync", path.name)
    except exc.OperationalError as error:
        if "database or disk is full" not in str(error.orig):
            raise
        # No room to build them now: the replica opens all the same (slower searches); the next
        # sync or open builds them once there is space.
        log.warning("indexes of %s not rebuilt: the disk is full", path.name)
    log.info("replica opened: %s (schema %s)", path.name, migrations.LATEST_VERSION)
    return Replica(path=path, engine=engine)
