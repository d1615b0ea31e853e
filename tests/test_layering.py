"""The package graph has no cycle, signals are wired by create_app, and corrections are
rendered by the same renderer as posts (topic and mention links)."""

from __future__ import annotations

import runpy
from pathlib import Path

from weibo_app.core.extensions import db
from weibo_app.posts.amend import add_correction

ROOT = Path(__file__).resolve().parent.parent


def test_no_package_import_cycle(capsys):
    check = runpy.run_path(str(ROOT / "tools" / "import_graph.py"))
    assert check["main"]([]) == 0, capsys.readouterr().err


def test_a_correction_links_topics_and_mentions(app, make, client):
    police = make.department(slug="police", name="县公安局")
    clerk = make.staff(make.department())
    post = make.post(author=clerk)
    add_correction(clerk, post, body="#垃圾分类# 时间改为周五，@县公安局请配合")
    db.session.commit()
    page = client.get(f"/p/{post.id}").get_data(as_text=True)
    assert '<a class="topic" href="/topic/%E5%9E%83%E5%9C%BE%E5%88%86%E7%B1%BB">#垃圾分类#</a>' in page
    assert f'<a class="mention" href="/d/{police.slug}">@县公安局</a>请配合' in page
