"""Reflow (WCAG 1.4.10): no main page is wider than the screen, on a 320 px phone or a 1,366 px laptop.

The demo's data (a county's worth of posts, threads, an inbox with dozens of rows, the
dashboard's full table) fills the pages, with a full page of 50 rows in the education
bureau's inbox, and each role opens its own.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from weibo_app.core.extensions import db
from weibo_app.demo import PASSWORD, seed_demo
from weibo_app.models import User

from .pages import log_in

pytestmark = pytest.mark.browser

PAGES = {
    None: ["/", "/departments", "/d/jiaoyu", "/d/jiaoyu?tab=board", "/scoreboard", "/search?q=学校", "/ask",
           "/auth/login", "/auth/register", "/accessibility"],
    "resident01": ["/me/threads", "/notifications", "/requests/new"],
    "jiaoyu_staff": ["/inbox", "/review", "/posts/new"],
    "ducha": ["/dashboard", "/dashboard/rows?figure=threads&department=county", "/dispatch", "/admin/moderation", "/admin/audit"],
    "admin": ["/admin/", "/admin/users", "/admin/settings", "/admin/site", "/admin/sensitive-words"],
}


def _fill_the_inbox(slug: str, rows: int) -> None:
    """Enough awaiting threads that the department's inbox shows a full page of ``rows``, with
    long words and a long name in them, as a real inbox has."""
    from weibo_app.models import Department, Thread, ThreadState
    from weibo_app.threads.operations import open_thread

    dept = db.session.scalar(sa.select(Department).where(Department.slug == slug))
    waiting = db.session.scalar(sa.select(sa.func.count(Thread.id)).where(
        Thread.department_id == dept.id, Thread.state == ThreadState.AWAITING))
    resident = db.session.scalar(sa.select(User).where(User.username == "resident01"))
    for n in range(max(rows - waiting, 0)):
        open_thread(resident, body=f"第{n}条：请问学校门口的道路施工什么时候结束？https://example.org/{'x' * 60}",
                    kind="consultation", department=dept)
    db.session.commit()
    count = db.session.scalar(sa.select(sa.func.count(Thread.id)).where(
        Thread.department_id == dept.id, Thread.state == ThreadState.AWAITING))
    assert count >= rows


def test_no_main_page_is_wider_than_the_screen(live_app, browser):
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        seed_demo(days=20)
        db.session.commit()
        _fill_the_inbox("jiaoyu", 50)
        db.session.remove()
    too_wide = []
    for user, paths in PAGES.items():
        for width in (320, 1366):
            context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800})
            page = context.new_page()
            try:
                if user:
                    log_in(page, base, user, PASSWORD)
                for path in paths:
                    response = page.goto(f"{base}{path}")
                    assert response is not None and response.status < 400, (user, path, response and response.status)
                    if path == "/inbox":
                        assert page.locator("main table tbody tr").count() == 50
                    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
                    if scroll > inner:
                        too_wide.append(f"{user or 'visitor'} {path} at {width}px: {scroll} > {inner}")
            finally:
                context.close()
    assert too_wide == []
