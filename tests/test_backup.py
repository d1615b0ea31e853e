"""``flask backup`` and ``flask restore``: the database comes back exactly as it was backed up."""

from __future__ import annotations

import sqlalchemy as sa

from weibo_app.backup import pg_tool, table_counts
from weibo_app.core.extensions import db
from weibo_app.models import Post, Thread


def test_backup_then_restore_brings_every_table_back(app, make, runner, tmp_path, backend):
    post = make.post(body="备份前的微博")
    for _ in range(3):
        make.thread(post=post)
    make.thread(department=post.department)
    post_id = post.id
    before = table_counts()
    assert before["posts"] == 1 and before["threads"] == 4

    path = tmp_path / ("weibo.dump" if backend == "postgresql" else "weibo.sqlite3")
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.is_file() and path.stat().st_size > 0

    make.post(body="备份后的微博")  # added after the backup
    db.session.execute(sa.update(Post).where(Post.id == post_id).values(body="改过的"))
    db.session.execute(sa.delete(Thread).where(Thread.id == db.session.scalar(sa.select(sa.func.min(Thread.id)))))
    db.session.commit()
    assert table_counts() != before

    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert table_counts() == before
    assert db.session.scalar(sa.select(Post.body).where(Post.id == post_id)) == "备份前的微博"
    # The restored database takes writes as before (sequences came back too).
    make.thread(post=db.session.get(Post, post_id))
    assert table_counts()["threads"] == 5


def test_backup_has_a_default_place(app, runner, monkeypatch, tmp_path, backend):
    monkeypatch.setattr("weibo_app.backup.INSTANCE", tmp_path)
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    written = list((tmp_path / "backups").iterdir())
    assert len(written) == 1 and written[0].suffix == (".dump" if backend == "postgresql" else ".sqlite3")


def test_restore_of_a_missing_file_says_so(app, runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "nothing.dump"), "--yes"])
    assert result.exit_code != 0 and "no backup at" in result.output


def test_postgresql_tools_are_found():
    assert pg_tool("pg_dump").endswith("pg_dump")
    assert pg_tool("pg_restore").endswith("pg_restore")
