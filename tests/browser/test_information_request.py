"""End to end in a real browser: a resident files an information request, staff find it in the
department's queue and answer it, the resident reads the decision."""

from __future__ import annotations

import re

import pytest

from weibo_app.core.extensions import db

from ..factories import Factory
from .pages import log_in

pytestmark = pytest.mark.browser


def test_resident_files_staff_answers(live_app, browser):
    base = live_app.config["LIVE_URL"]
    make = Factory()
    with live_app.app_context():
        dept = make.department(slug="jiaoyu", name="教育局")
        clerk_name = make.staff(dept).username
        make.user(username="resident1")
        db.session.remove()

    resident = browser.new_context(locale="zh-CN").new_page()
    staff = browser.new_context(locale="zh-CN").new_page()
    try:
        log_in(resident, base, "resident1", Factory.PASSWORD)
        resident.get_by_role("link", name="我的申请").click()
        resident.get_by_role("link", name="提交新申请").click()
        resident.get_by_label("向哪个部门申请").select_option("jiaoyu")
        resident.get_by_label("申请人姓名或单位名称").fill("王五")
        resident.get_by_label("联系电话").fill("13700000000")
        resident.get_by_label("所需政府信息的名称、文号或便于查询的其他特征").fill("请公开2026年学区划分方案。")
        resident.get_by_role("button", name="提交申请").click()
        resident.wait_for_load_state()
        assert re.search(r"/requests/\d{4}-jiaoyu-0001$", resident.url), resident.url
        request_url = resident.url

        log_in(staff, base, clerk_name, Factory.PASSWORD)
        staff.get_by_role("link", name="依申请公开").click()
        staff.get_by_role("link", name=re.compile(r"\d{4}-jiaoyu-0001")).first.click()
        staff.wait_for_load_state()
        staff.get_by_label("处理结果").select_option("public")
        staff.get_by_label("答复书").fill("该方案已在本局网站公开，索引号见附件。")
        staff.get_by_role("button", name="作出答复").click()
        staff.wait_for_load_state()
        assert staff.get_by_text("答复已作出").is_visible()

        resident.goto(request_url)
        assert resident.get_by_text("该方案已在本局网站公开，索引号见附件。").is_visible()
        assert resident.get_by_text("（一）予以公开").first.is_visible()
    finally:
        for page in (resident, staff):
            page.context.close()
