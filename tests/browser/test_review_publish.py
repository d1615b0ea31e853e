"""End to end in a real browser: staff drafts and submits, a reviewer approves with the
confidentiality check, the public sees the post, then the withdrawal notice in its place."""

from __future__ import annotations

import re

import pytest

from weibo_app.core.extensions import db
from weibo_app.models import Role

from ..factories import Factory
from .pages import log_in

pytestmark = pytest.mark.browser


def test_draft_review_publish_withdraw(live_app, browser):
    base = live_app.config["LIVE_URL"]
    make = Factory()
    with live_app.app_context():
        dept = make.department(slug="water", name="水务局", review=True)
        make.user(Role.STAFF, dept, username="clerk1")
        make.user(Role.REVIEWER, dept, username="reviewer1")
        db.session.remove()

    staff = browser.new_context(locale="zh-CN").new_page()
    reviewer = browser.new_context(locale="zh-CN").new_page()
    visitor = browser.new_context(locale="zh-CN").new_page()
    try:
        log_in(staff, base, "clerk1", Factory.PASSWORD)
        staff.goto(f"{base}/posts/new")
        staff.get_by_label("内容", exact=False).first.fill("本周六上午城东片区计划停水四小时。")
        staff.get_by_label("分类").select_option("service")
        staff.get_by_role("button", name="提交审核").click()
        staff.wait_for_load_state()
        assert staff.url.endswith("/review")
        assert staff.get_by_text("待审核").first.is_visible()

        log_in(reviewer, base, "reviewer1", Factory.PASSWORD)
        reviewer.goto(f"{base}/review")
        assert reviewer.get_by_role("link", name=re.compile("审核")).first.is_visible()
        reviewer.locator("a[href*='/review/']").first.click()
        reviewer.wait_for_load_state()
        post_id = re.search(r"/review/(\d+)$", reviewer.url).group(1)
        reviewer.get_by_role("button", name="审核通过").click()  # check not confirmed: refused
        reviewer.wait_for_load_state()
        assert reviewer.get_by_text("请确认已完成保密审查。").is_visible()
        reviewer.get_by_label("已完成保密审查").first.check()
        reviewer.get_by_role("button", name="审核通过").click()
        reviewer.wait_for_load_state()

        visitor.goto(f"{base}/")
        assert visitor.get_by_text("本周六上午城东片区计划停水四小时。").is_visible()

        reviewer.goto(f"{base}/p/{post_id}")
        reviewer.get_by_text("本部门操作").click()
        reviewer.get_by_label("撤回理由").fill("停水计划推迟")
        reviewer.get_by_role("button", name="撤回", exact=True).click()
        reviewer.wait_for_load_state()

        visitor.goto(f"{base}/p/{post_id}")
        assert visitor.get_by_text(re.compile("撤回，原因：停水计划推迟")).is_visible()
        assert visitor.get_by_text("本周六上午城东片区计划停水四小时。").count() == 0
    finally:
        for page in (staff, reviewer, visitor):
            page.context.close()
