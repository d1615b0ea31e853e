"""The two anchors every page is measured against, served by gunicorn like the app.

- ``ceiling``: a bare Flask page returning a fixed 1 KB string: no page can be faster.
- ``floor()``: Flask-SQLAlchemy fetching the 20 newest of 20,000 rows in one query and
  rendering them with Jinja: the least work any database-backed page does.

    gunicorn -w 2 'bench.anchors:ceiling'
    BENCH_FLOOR_DB=/tmp/floor.sqlite3 gunicorn -w 2 'bench.anchors:floor()'
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy

ROWS = 20_000
ONE_KB = "<!doctype html><title>ceiling</title><p>" + "x" * (1024 - 44) + "</p>"

ceiling = Flask("ceiling")


@ceiling.get("/")
def fixed() -> str:
    return ONE_KB


PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>最新</title></head>
<body><main><h1>最新</h1>
{% for p in posts %}<article><h2>{{ p.author }}</h2><p>{{ p.body }}</p>
<time datetime="{{ p.created_at.isoformat() }}">{{ p.created_at.strftime('%Y-%m-%d %H:%M') }}</time></article>
{% endfor %}</main></body></html>"""


def floor() -> Flask:
    path = os.environ.get("BENCH_FLOOR_DB", "/tmp/bench-floor.sqlite3")  # noqa: S108 - a scratch file
    app = Flask("floor")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    db = SQLAlchemy(app)

    class Item(db.Model):
        __tablename__ = "items"
        id = db.Column(db.Integer, primary_key=True)
        author = db.Column(db.String(40), nullable=False)
        body = db.Column(db.Text, nullable=False)
        created_at = db.Column(db.DateTime, nullable=False, index=True)

    with app.app_context():
        db.create_all()
        if db.session.query(Item.id).first() is None:
            start = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
            db.session.execute(db.insert(Item), [
                {"author": f"部门{i % 60}", "body": f"第{i}条：本周完成群众诉求办理，欢迎监督。" * 2,
                 "created_at": start + timedelta(minutes=i)} for i in range(ROWS)
            ])
            db.session.commit()

    @app.get("/")
    def newest() -> str:
        posts = db.session.scalars(db.select(Item).order_by(Item.created_at.desc()).limit(20)).all()
        return render_template_string(PAGE, posts=posts)

    return app
