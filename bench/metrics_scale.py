"""Time ``compute_metrics`` for a year over a county-sized volume of threads.

Seeds a scratch database (a temporary SQLite file, or a PostgreSQL database made
and dropped on the server given) with a tree of departments, posts and threads
spread over the last year, with official replies (interim and final), reworks,
extensions, transfers, urgings and return visits, then times the figures for
every department over the year, with and without the subtree roll-up
(median of warm runs).

    .venv/bin/python -m bench.metrics_scale --threads 1000000 [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from weibo_app import create_app
from weibo_app.core.clock import to_local, utcnow
from weibo_app.core.extensions import db
from weibo_app.metrics import figures, memo, upkeep
from weibo_app.metrics import queries as q
from weibo_app.models import Department, ExtensionRequest, Post, Reply, Thread, ThreadEvent, TransferRequest, User

CHUNK = 20_000
KINDS = ("consultation", "complaint", "suggestion", "help", "comment")
CHANNELS = ("web", "web", "web", "phone", "letter", "hotline", "visit", "mailbox", "other")


def seed(departments: int, threads: int, posts: int, rnd: random.Random) -> None:
    now = utcnow().replace(microsecond=0)
    ins = lambda model, rows: rows and db.session.execute(sa.insert(model.__table__), rows)  # noqa: E731
    ins(User, [{"id": 1, "username": "bench", "display_name": "bench", "password_hash": "x", "role": "admin",
                "active": True, "created_at": now, "session_epoch": 0, "failed_logins": 0}])
    # A tree: 6 bureaus under the county, each with sub-units, some with a third level.
    deps, paths = [], {}
    for i in range(1, departments + 1):
        parent = None if i == 1 else (1 if i <= 7 else rnd.randint(2, min(i - 1, 30)))
        paths[i] = (paths[parent] if parent else "/") + f"{i}/"
        deps.append({"id": i, "slug": f"d{i}", "name": f"部门{i}", "description": "", "parent_id": parent,
                     "path": paths[i], "review_required": False, "created_at": now - timedelta(days=400)})
    ins(Department, deps)
    year = 366 * 86400
    ins(Post, [{"id": i, "department_id": rnd.randint(1, departments), "author_id": 1, "body": "p",
                "body_html": "p", "category": "work", "major": False, "state": "published",
                "created_at": (t := now - timedelta(seconds=rnd.randint(0, year))), "updated_at": t,
                "published_at": t, "fast_track": False} for i in range(1, posts + 1)])
    reply_id = event_id = ext_id = tr_id = 0
    for start in range(1, threads + 1, CHUNK):
        trs, rps, evs, exts, trfs = [], [], [], [], []
        for tid in range(start, min(start + CHUNK, threads + 1)):
            dept = rnd.randint(1, departments)
            opened = now - timedelta(seconds=rnd.randint(0, year))
            due = opened + timedelta(days=rnd.choice((3, 5, 7)))
            roll = rnd.random()
            state = ("dismissed" if roll < 0.06 else "awaiting" if roll < 0.16 or opened > now - timedelta(days=2)
                     else "closed" if roll < 0.4 else "answered")
            rated = state in ("answered", "closed") and rnd.random() < 0.4
            trs.append({"id": tid, "post_id": rnd.randint(1, posts) if rnd.random() < 0.7 else None,
                        "department_id": dept, "author_id": 1, "kind": rnd.choice(KINDS), "state": state,
                        "body": "t", "body_html": "t", "opened_at": opened, "due_at": due, "first_due_at": due,
                        "last_activity_at": opened, "anonymous": False, "private": False,
                        "channel": rnd.choice(CHANNELS),
                        "rating": rnd.choice(("satisfied", "basically_satisfied", "unsatisfied")) if rated else None,
                        "resolved": rnd.random() < 0.8 if rated else None,
                        "hidden_at": opened if rnd.random() < 0.01 else None})
            if state in ("dismissed",) or (state == "awaiting" and rnd.random() < 0.7):
                continue
            at = opened + timedelta(seconds=rnd.randint(600, 12 * 86400))
            if rnd.random() < 0.25 and at <= now:  # an interim reply first (nothing happens after now)
                reply_id += 1
                rps.append(_reply(reply_id, tid, dept, at, final=False))
                at += timedelta(seconds=rnd.randint(600, 3 * 86400))
            if state != "awaiting" and at <= now:
                reply_id += 1
                reworked = at + timedelta(hours=5) if rnd.random() < 0.03 and at + timedelta(hours=25) <= now else None
                rps.append(_reply(reply_id, tid, dept, at, final=True, reworked_at=reworked))
                if reworked is not None:
                    event_id += 1
                    evs.append(_event(event_id, tid, dept, "rework", reworked))
                    reply_id += 1
                    rps.append(_reply(reply_id, tid, dept, reworked + timedelta(hours=20), final=True))
            for kind, share in (("urge", 0.05), ("visit", 0.1)):
                if rnd.random() < share and opened + timedelta(days=1) <= now:
                    event_id += 1
                    evs.append(_event(event_id, tid, dept, kind, opened + timedelta(days=1)))
            if rnd.random() < 0.03 and opened + timedelta(hours=2) <= now:
                ext_id += 1
                exts.append({"id": ext_id, "thread_id": tid, "department_id": dept, "requested_by_id": 1,
                             "until": to_local(due + timedelta(days=7)).date(), "new_due_at": due + timedelta(days=7),
                             "previous_due_at": due, "reason": "r", "state": "approved",
                             "created_at": opened, "decided_by_id": 1, "decided_at": opened + timedelta(hours=2)})
            if rnd.random() < 0.02:
                tr_id += 1
                trfs.append({"id": tr_id, "thread_id": tid, "from_department_id": rnd.randint(1, departments),
                             "proposed_department_id": dept, "to_department_id": dept, "requested_by_id": 1,
                             "state": "approved", "created_at": opened, "decided_by_id": 1, "decided_at": opened})
        ins(Thread, trs)
        ins(Reply, rps)
        ins(ThreadEvent, evs)
        ins(ExtensionRequest, exts)
        ins(TransferRequest, trfs)
        db.session.commit()
        print(f"  {min(start + CHUNK - 1, threads):,} threads", flush=True)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def _reply(rid, tid, dept, at, *, final, reworked_at=None):
    return {"id": rid, "thread_id": tid, "author_id": 1, "department_id": dept, "official": True, "body": "r",
            "body_html": "r", "created_at": at, "final": final, "visible_at": at, "reworked_at": reworked_at}


def _event(eid, tid, dept, kind, at):
    return {"id": eid, "thread_id": tid, "department_id": dept, "actor_id": 1, "kind": kind, "created_at": at}


def timed(fn, runs: int) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(runs: int, channels: tuple[str | None, ...]) -> None:
    """Each call computed afresh (the app is made with the figure memo off), then the same calls
    with it on: the first computes, the rest are served from memory until a write."""
    today = to_local(utcnow()).date()
    period = q.make_period(today - timedelta(days=365), today + timedelta(days=1))
    for remembered in (False, True):
        if remembered:
            current_app.extensions[memo.STORE] = memo.FigureMemo(512)
        for subtree in (False, True):
            for channel in channels:
                seconds = timed(lambda: figures.compute_metrics(period, subtree=subtree, channel=channel), runs)  # noqa: B023
                db.session.rollback()
                how = "remembered after the first" if remembered else "computed"
                print(f"compute_metrics, a year, every department, subtree={int(subtree)}, channel={channel}, {how}: "
                      f"{seconds:.3f} s (median of {runs})", flush=True)


def run(uri: str, args) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench",
                      "FIGURE_MEMO_ENTRIES": 0})
    with app.app_context():
        if not args.reuse:
            db.create_all()
            started = time.perf_counter()
            seed(args.departments, args.threads, args.posts, random.Random(args.seed))
            print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
            started = time.perf_counter()
            upkeep.refresh()
            db.session.commit()
            print(f"reply facts and daily counts stored in {time.perf_counter() - started:.0f} s", flush=True)
        measure(args.runs, (None, "phone") if args.by_channel else (None,))
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=60)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--postgres", help="an admin URL: a scratch database is made there and dropped after")
    parser.add_argument("--sqlite", help="a SQLite file to use (kept); default a temporary one")
    parser.add_argument("--pg-database", help="use (and keep) this PostgreSQL database instead of a scratch one")
    parser.add_argument("--by-channel", action="store_true", help="also time the figures of one channel")
    parser.add_argument("--reuse", action="store_true", help="the database is already seeded: only measure")
    args = parser.parse_args()
    if args.postgres:
        admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        name = args.pg_database or f"bench_metrics_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        if not args.reuse:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            run(admin.url.set(database=name).render_as_string(hide_password=False), args)
        finally:
            if not args.pg_database:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    elif args.sqlite:
        run(f"sqlite:///{Path(args.sqlite).resolve()}", args)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'bench.db'}", args)


if __name__ == "__main__":
    main()
