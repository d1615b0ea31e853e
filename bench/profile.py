"""Where a fresh page's time goes: pyinstrument over the timeline and a department page.

On the volume database of ``make bench`` (instance/bench/, seeded by bench/run.py), in
process, page cache off; each page requested ``--requests`` times after a warm-up, first
timed plainly (milliseconds, the best of 5 batches, wall clock and CPU, and queries per
request), then under the profiler.
``--as USERNAME`` signs the test client in as that account first (``--as staff`` and
``--as resident`` pick the accounts ``make bench`` uses); ``--page post`` is the post
page ``make bench`` measures.

    .venv/bin/python -m bench.profile [--requests 50] [--page / --page /d/vol-00]
    .venv/bin/python -m bench.profile --as staff --page /inbox [--no-profile]
"""

from __future__ import annotations

import argparse
import time

from pyinstrument import Profiler

from bench.run import WORK, seed


def sign_in(client, username: str) -> None:
    """The client is now ``username`` (a real session, as the bench's cookies)."""
    import sqlalchemy as sa
    from flask_login.utils import _create_identifier

    from weibo_app.core.extensions import db
    from weibo_app.models import User

    app = client.application
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            raise SystemExit(f"no account {username!r} in the volume database")
        user_id = user.get_id()
    with app.test_request_context(environ_base=client.environ_base):
        ident = _create_identifier()
    with client.session_transaction() as sess:
        sess.update({"_user_id": user_id, "_fresh": True, "_id": ident})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--page", action="append", default=None)
    parser.add_argument("--as", dest="username", default=None,
                        help="sign in first: a username, or 'staff'/'resident' for the bench's accounts")
    parser.add_argument("--no-profile", action="store_true", help="only the timing and the query count")
    args = parser.parse_args()
    db_url = f"sqlite:///{WORK / 'volume.sqlite3'}"
    WORK.mkdir(parents=True, exist_ok=True)
    seed(db_url, marker=WORK / "volume.seeded")
    import sqlalchemy as sa

    from bench.run import logins
    from weibo_app import create_app
    from weibo_app.core.extensions import db

    info = logins(db_url) if args.username in ("staff", "resident") or "post" in (args.page or []) else {}
    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "PAGE_CACHE_SECONDS": 0, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    if args.username:
        username = {"resident": "vol_resident0001", "staff": info.get("clerk")}.get(args.username)
        sign_in(client, username or args.username)
    queries = [0]
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: queries.__setitem__(0, queries[0] + 1))
    for path in args.page or ["/", "/d/vol-00"]:
        path = f"/p/{info['post']}" if path == "post" else path
        for _ in range(5):
            assert client.get(path).status_code == 200, path
        queries[0] = 0
        # The machine is shared: the best of 5 batches is the page's own cost, and the CPU time
        # this process spent (the database is in process too) moves less with the load than the clock.
        batches, cpu = [], []
        per_batch = max(1, args.requests // 5)
        for _ in range(5):
            start, start_cpu = time.perf_counter(), time.process_time()
            for _ in range(per_batch):
                client.get(path)
            batches.append((time.perf_counter() - start) / per_batch)
            cpu.append((time.process_time() - start_cpu) / per_batch)
        print(f"===== {path}: {min(batches) * 1000:.1f} ms (best of 5 batches; median "
              f"{sorted(batches)[2] * 1000:.1f}; CPU {min(cpu) * 1000:.1f}), "
              f"{queries[0] / (5 * per_batch):.0f} queries a request")
        if args.no_profile:
            continue
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.requests):
            client.get(path)
        profiler.stop()
        print(f"===== {path} x {args.requests}")
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
