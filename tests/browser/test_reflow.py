"""Reflow (WCAG 1.4.10): no main page is wider than the screen, on a 320 px phone or a 1,366 px laptop.

The demo's data (a county's worth of posts, threads, an inbox with dozens of rows, the
dashboard's full table) fills the pages, and each role opens its own.
"""

from __future__ import annotations

import pytest

from weibo_app.core.extensions import db
from weibo_app.demo import PASSWORD, seed_demo

pytestmark = pytest.mark.browser

PAGES = {
    None: ["/", "/departments", "/d/jiaoyu", "/d/jiaoyu?tab=board", "/scoreboard", "/search?q=学校", "/ask",
           "/auth/login", "/auth/register", "/accessibility"],
    "resident01": ["/me/threads", "/notifications", "/requests/new"],
    "jiaoyu_staff": ["/inbox", "/review", "/posts/new"],
    "ducha": ["/dashboard", "/dashboard/rows?figure=threads&department=county", "/dispatch", "/admin/moderation", "/admin/audit"],
    "admin": ["/admin/", "/admin/users", "/admin/settings", "/admin/site", "/admin/sensitive-words"],
}


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/auth/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()
    assert "/auth/login" not in page.url, "login failed"


def test_no_main_page_is_wider_than_the_screen(live_app, browser):
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        seed_demo(days=20)
        db.session.commit()
        db.session.remove()
    too_wide = []
    for user, paths in PAGES.items():
        for width in (320, 1366):
            context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800})
            page = context.new_page()
            try:
                if user:
                    _login(page, base, user)
                for path in paths:
                    response = page.goto(f"{base}{path}")
                    assert response is not None and response.status < 400, (user, path, response and response.status)
                    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
                    if scroll > inner:
                        too_wide.append(f"{user or 'visitor'} {path} at {width}px: {scroll} > {inner}")
            finally:
                context.close()
    assert too_wide == []
