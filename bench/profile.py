"""Where a fresh page's time goes: pyinstrument over the timeline and a department page.

On the volume database of ``make bench`` (instance/bench/, seeded by bench/run.py), in
process, page cache off, logged out; each page requested ``--requests`` times after a warm-up.

    .venv/bin/python -m bench.profile [--requests 50] [--page / --page /d/vol-00]
"""

from __future__ import annotations

import argparse

from pyinstrument import Profiler

from bench.run import WORK, seed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--page", action="append", default=None)
    args = parser.parse_args()
    db_url = f"sqlite:///{WORK / 'volume.sqlite3'}"
    WORK.mkdir(parents=True, exist_ok=True)
    seed(db_url, marker=WORK / "volume.seeded")
    from weibo_app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "PAGE_CACHE_SECONDS": 0, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    for path in args.page or ["/", "/d/vol-00"]:
        for _ in range(5):
            assert client.get(path).status_code == 200
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.requests):
            client.get(path)
        profiler.stop()
        print(f"===== {path} x {args.requests}")
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
