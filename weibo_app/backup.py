"""Backups with each database's own tool: ``flask backup [PATH]`` and ``flask restore PATH``.

* SQLite: the online backup API (``sqlite3.Connection.backup``), a consistent
  copy taken while the site keeps serving; restoring copies the file back
  into the live database the same way.
* PostgreSQL: ``pg_dump -Fc`` (custom format) and ``pg_restore --clean
  --if-exists --single-transaction``. The programs are taken from ``PATH`` or,
  failing that, the newest ``/usr/lib/postgresql/*/bin``.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from .core.clock import utcnow
from .core.config import INSTANCE
from .core.extensions import db


class BackupError(Exception):
    pass


def default_path(dialect: str) -> Path:
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    return INSTANCE / "backups" / f"weibo-{stamp}.{'dump' if dialect == 'postgresql' else 'sqlite3'}"


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> float:
        try:
            return float(Path(path).parent.parent.name)
        except ValueError:
            return 0.0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if not candidates:
        raise BackupError(f"{name} not found on PATH or under /usr/lib/postgresql/*/bin")
    return candidates[-1]


def _libpq(url) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL programs; the password goes through the environment."""
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-500:]}")


def backup(path: str | Path | None = None) -> Path:
    """Write a backup of the application's database to ``path`` (default: instance/backups/)."""
    engine = db.engine
    target = Path(path) if path else default_path(engine.dialect.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(target) as dest:
                raw.driver_connection.backup(dest)
            dest.close()
        finally:
            raw.close()
    elif engine.dialect.name == "postgresql":
        args, env = _libpq(engine.url)
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args], env)
    else:
        raise BackupError(f"no backup method for {engine.dialect.name}")
    return target


def restore(path: str | Path) -> None:
    """Replace the application's database by the backup at ``path``."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    db.session.remove()
    engine = db.engine
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(source) as src:
                src.backup(raw.driver_connection)
            src.close()
        finally:
            raw.close()  # other connections read the restored pages from the same file
    elif engine.dialect.name == "postgresql":
        engine.dispose()  # our own connections would hold locks on the tables being replaced
        args, env = _libpq(engine.url)
        _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              *args, str(source)], env)
    else:
        raise BackupError(f"no restore method for {engine.dialect.name}")


def table_counts() -> dict[str, int]:
    """Rows per table of the application's schema (to compare a restore with its backup)."""
    import sqlalchemy as sa

    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.scalar(sa.select(sa.func.count()).select_from(table))
    return counts


