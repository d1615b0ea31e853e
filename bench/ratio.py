"""Throughput of weibo_app's pages as a ratio of a bare Flask page.

Ratios, not seconds, so the figure means the same on a busy or a quiet
machine. Both apps are called in-process through WSGI (no network), after a
warm-up, on the demo data in a temporary SQLite file.

    .venv/bin/python -m bench.ratio [--requests 300]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from flask import Flask

from weibo_app import create_app
from weibo_app.core.extensions import db
from weibo_app.demo import seed_demo


def bare_app() -> Flask:
    app = Flask("bare")

    @app.get("/")
    def hello():
        return "<!doctype html><title>hello</title><p>hello</p>"

    return app


def rate(client, path: str, n: int) -> float:
    for _ in range(max(n // 10, 5)):
        client.get(path)
    start = time.perf_counter()
    for _ in range(n):
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.db'}",
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            db.create_all()
            seed_demo()
            db.session.commit()
            post_id = db.session.execute(db.text("select max(id) from posts where state = 'published'")).scalar()
        bare = rate(bare_app().test_client(), "/", args.requests)
        print(f"bare Flask page: {bare:,.0f} requests/s (the 100 % mark)")
        pages = (("timeline /", "/"), ("post page", f"/p/{post_id}"), ("department page", "/d/jiaoyu"),
                 ("scoreboard", "/scoreboard"), ("API posts", "/api/v1/posts"))
        for cache_seconds, title in ((10, "anonymous visitor (page cache on, the default)"),
                                     (0, "every request rendered (page cache off; as for logged-in users)")):
            app.config["PAGE_CACHE_SECONDS"] = cache_seconds
            client = app.test_client()
            print(f"-- {title}")
            for label, path in pages:
                r = rate(client, path, args.requests)
                print(f"{label:<16} {r:8,.0f} requests/s = {100 * r / bare:5.1f} % of bare Flask")


if __name__ == "__main__":
    main()
