"""End to end in a real browser: a resident asks, staff answers, the supervisor's reply rate moves."""

from __future__ import annotations

import re

import pytest

from weibo_app.core.extensions import db
from weibo_app.models import Role

from ..factories import Factory
from .pages import log_in

pytestmark = pytest.mark.browser


def _reply_rate(page, base: str, department_name: str) -> str:
    """The reply-rate cell of the department's row on /dashboard."""
    page.goto(f"{base}/dashboard")
    row = page.locator("table.metrics-table tbody tr", has=page.locator("th", has_text=department_name))
    return row.locator('td[data-figure="reply_rate"]').inner_text().strip()


def test_resident_asks_staff_answers_reply_rate_moves(live_app, browser):
    base = live_app.config["LIVE_URL"]
    make = Factory()
    with live_app.app_context():
        dept = make.department(slug="roads", name="交通运输局")
        clerk = make.staff(dept)
        make.user(Role.SUPERVISOR, username="supervisor1")
        make.user(username="resident1")
        post = make.post(author=clerk, body="冬季道路养护工作已全面展开。")
        post_id, clerk_name, dept_name = post.id, clerk.username, dept.name
        db.session.remove()

    supervisor = browser.new_context(locale="zh-CN").new_page()
    resident = browser.new_context(locale="zh-CN").new_page()
    staff = browser.new_context(locale="zh-CN").new_page()
    try:
        log_in(supervisor, base, "supervisor1", Factory.PASSWORD)
        assert _reply_rate(supervisor, base, dept_name) == "—"  # nothing asked yet

        log_in(resident, base, "resident1", Factory.PASSWORD)
        resident.goto(f"{base}/p/{post_id}")
        resident.get_by_label("类型").select_option("complaint")
        resident.get_by_label("留言内容").fill("学校门口的路灯坏了一个月，晚上很黑。")
        resident.get_by_role("button", name="提交留言").click()
        resident.wait_for_load_state()
        assert re.search(r"/t/\d+$", resident.url), resident.url
        thread_url = resident.url

        assert _reply_rate(supervisor, base, dept_name) == "0.0%"

        log_in(staff, base, clerk_name, Factory.PASSWORD)
        staff.goto(f"{base}/inbox")
        staff.locator(f"a[href$='{thread_url.removeprefix(base)}']").first.click()
        staff.wait_for_load_state()
        staff.get_by_label("回复内容").fill("您好，已安排维修，今晚恢复照明。")
        staff.get_by_role("button", name="发布官方回复").click()
        staff.wait_for_load_state()
        assert staff.get_by_text("官方回复").first.is_visible()

        resident.goto(thread_url)
        assert resident.get_by_text("您好，已安排维修，今晚恢复照明。").is_visible()
        assert resident.get_by_text(dept_name).first.is_visible()

        assert _reply_rate(supervisor, base, dept_name) == "100.0%"
    finally:
        for page in (supervisor, resident, staff):
            page.context.close()
