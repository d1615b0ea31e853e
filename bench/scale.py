"""``make bench-scale``: the heavy calls at a county's full size, 1,000,000 threads.

Seeds a year (60 departments in a tree) into a scratch PostgreSQL database it creates on
127.0.0.1:5432 and drops afterwards, and into a scratch SQLite file, then times each call
warm (one call first, then the median of 5) in-process through the WSGI test client, each
computed afresh (the figure memo off), then as served with the memo on:

- ``GET /api/v1/metrics`` for all departments over the year, with ``subtree=1`` and without;
- ``/dashboard`` (supervisor) for the default 30 days and for the year;
- ``/inbox`` of the department with the long backlog (~40,000 awaiting threads at 1 M).

    .venv/bin/python -m bench.scale [--threads 1000000] [--backend postgresql,sqlite] [--keep]
    .venv/bin/python -m bench.scale --url postgresql+psycopg://postgres@127.0.0.1:5432/<kept>
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.run import seed

ADMIN_PG = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def time_calls(db_url: str, repeat: int) -> list[tuple[str, float, int]]:
    os.environ["DATABASE_URL"] = db_url
    os.environ["SECRET_KEY"] = "bench-scale"  # noqa: S105 - a scratch database on loopback
    from flask import g
    from flask_login.utils import _create_identifier

    from weibo_app import create_app
    from weibo_app.auth.tokens import issue_token
    from weibo_app.core.clock import local_today
    from weibo_app.core.extensions import db
    from weibo_app.demo_volume import ADMIN, SUPERVISOR
    from weibo_app.metrics import memo
    from weibo_app.models import Thread, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "PAGE_CACHE_SECONDS": 0, "RATELIMIT_ENABLED": False})
    out = []
    with app.app_context():
        token = issue_token(db.session.scalar(sa.select(User).where(User.username == ADMIN)))
        awaiting = sa.func.count(Thread.id)
        dept_id, backlog = db.session.execute(
            sa.select(Thread.department_id, awaiting).where(Thread.state == "awaiting")
            .group_by(Thread.department_id).order_by(awaiting.desc()).limit(1)).one()
        clerk = db.session.scalar(sa.select(User).where(User.department_id == dept_id, User.role == "staff"))
        boss = db.session.scalar(sa.select(User).where(User.username == SUPERVISOR))
        db.session.commit()
        today = local_today()
        year = f"from={(today - timedelta(days=365)).isoformat()}&to={(today + timedelta(days=1)).isoformat()}"
        client = app.test_client()
        with app.test_request_context(environ_base=client.environ_base):
            ident = _create_identifier()

        def as_user(user):
            with client.session_transaction() as sess:
                sess.update({"_user_id": user.get_id(), "_fresh": True, "_id": ident})

        bearer = {"Authorization": f"Bearer {token}"}
        calls = [
            ("GET /api/v1/metrics, all departments, a year", None, f"/api/v1/metrics?{year}", bearer),
            ("  the same with subtree=1", None, f"/api/v1/metrics?{year}&subtree=1", bearer),
            ("/dashboard, default 30 days", boss, "/dashboard", {}),
            ("/dashboard, a year", boss, f"/dashboard?{year}", {}),
            (f"/inbox, {backlog:,} awaiting", clerk, "/inbox", {}),
        ]
        # First with the figure memo off (every call computes), then on (the first computes,
        # the rest are served from memory until a write, a due time or midnight).
        passes = [("", memo.FigureMemo(0)), (" (remembered)", memo.FigureMemo(512))]
        for (label, user, path, headers), (how, store) in [(c, p) for p in passes for c in calls]:
            app.extensions[memo.STORE] = store
            label = label + how
            if user is not None:
                as_user(user)
            times = []
            for i in range(repeat + 1):
                g.__dict__.clear()  # as in production, each request starts with an empty g
                start = time.perf_counter()
                resp = client.get(path, headers=headers)
                took = time.perf_counter() - start
                assert resp.status_code == 200, (path, resp.status_code)
                if i:  # the first call warms caches
                    times.append(took)
            out.append((label, statistics.median(times), len(resp.data)))
            print(f"  {label:<48} {statistics.median(times):8.3f} s", flush=True)
        db.session.remove()
        db.engine.dispose()
    return out


def analyse(url: str) -> None:
    """The planner's statistics, and on PostgreSQL the visibility map, as a running site has them
    (autovacuum; ``flask analyze`` nightly on SQLite): without them a fresh bulk load reads the
    table behind every index-only scan (the 40,000-thread inbox took 0.48 s instead of 0.05 s)."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT") if url.startswith("postgresql") else sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
            conn.commit()
    finally:
        engine.dispose()


@contextmanager
def scratch_database(backend: str, keep: bool):
    """A new empty database: on 127.0.0.1:5432 for PostgreSQL, in a temporary folder for SQLite;
    dropped afterwards unless ``keep`` (then its address is printed)."""
    if backend == "postgresql":
        admin = sa.create_engine(ADMIN_PG, isolation_level="AUTOCOMMIT")
        name = f"weibo_scale_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = admin.url.set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        tmp = Path(tempfile.mkdtemp(prefix="weibo-scale-"))
        url = f"sqlite:///{tmp / 'scale.sqlite3'}"

        def drop() -> None:
            shutil.rmtree(tmp, ignore_errors=True)
    try:
        yield url
    finally:
        if keep:
            print(f"kept {url}")
        else:
            drop()
        if backend == "postgresql":
            admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backend", default="postgresql,sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases (prints where)")
    parser.add_argument("--url", help="time a database seeded and kept before (--keep) instead of seeding one")
    args = parser.parse_args()
    results = {}
    if args.url:
        analyse(args.url)
        results[sa.make_url(args.url).get_backend_name()] = time_calls(args.url, args.repeat)
    for backend in [] if args.url else args.backend.split(","):
        print(f"{backend}: seeding {args.threads:,} threads", flush=True)
        with scratch_database(backend, args.keep) as url:
            seed(url, args.posts, args.threads)
            analyse(url)
            results[backend] = time_calls(url, args.repeat)
    print()
    print(f"{args.threads:,} threads, {args.posts:,} posts, 60 departments; warm, median of {args.repeat}")
    backends = list(results)
    print("| call | " + " | ".join(backends) + " |")
    print("|---|" + "---|" * len(backends))
    labels = [label for label, *_ in next(iter(results.values()))]
    for i, label in enumerate(labels):
        print(f"| {label.strip()} | " + " | ".join(f"{results[b][i][1]:.3f} s" for b in backends) + " |")


if __name__ == "__main__":
    main()
