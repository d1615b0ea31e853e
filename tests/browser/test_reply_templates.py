"""In a real browser under the strict CSP: staff insert a reply template, edit it and send it."""

from __future__ import annotations

import pytest

from weibo_app.core.extensions import db
from weibo_app.models import Role
from weibo_app.replies.operations import create_template

from ..factories import Factory
from .pages import log_in

pytestmark = pytest.mark.browser


def test_staff_insert_a_template_edit_and_send(live_app, browser):
    base = live_app.config["LIVE_URL"]
    make = Factory()
    with live_app.app_context():
        dept = make.department(slug="water", name="水务局")
        head = make.staff(dept, Role.DEPT_HEAD)
        clerk = make.staff(dept)
        create_template(head, dept, "已受理", "{姓名}您好，您的第{编号}号留言已收悉，{部门}正在办理。")
        create_template(head, dept, "已办结", "{姓名}您好，您反映的问题已办结。")
        db.session.commit()
        resident = make.user(username="resident2")
        resident.display_name = "李小龙"
        db.session.commit()
        thread = make.thread(author=resident, department=dept, body="自来水发黄。")
        thread_id, clerk_name = thread.id, clerk.username
        db.session.remove()

    page = browser.new_context(locale="zh-CN").new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        log_in(page, base, clerk_name, Factory.PASSWORD)
        page.goto(f"{base}/t/{thread_id}")
        page.get_by_label("插入常用回复").select_option(label="已受理")
        box = page.locator("#reply-body")
        expected = f"李**您好，您的第{thread_id}号留言已收悉，水务局正在办理。"
        assert box.input_value() == expected

        # From the keyboard each arrow key is a change: focus stays on the list, an untouched
        # template gives way to the next one, and words staff have added are never replaced.
        picker = page.get_by_label("插入常用回复")
        titles = picker.locator("option").all_inner_texts()
        there, back = ("ArrowDown", "ArrowUp") if titles.index("已办结") > titles.index("已受理") else ("ArrowUp", "ArrowDown")
        picker.focus()
        page.keyboard.press(there)
        assert box.input_value() == "李**您好，您反映的问题已办结。"
        assert page.evaluate("document.activeElement.id") == "reply-template"
        page.keyboard.press(back)
        assert box.input_value() == expected
        box.press("End")
        box.press_sequentially("预计三日内答复。")
        picker.focus()
        page.keyboard.press(there)
        assert box.input_value() == expected + "预计三日内答复。"
        page.get_by_role("button", name="发布官方回复").click()
        page.wait_for_load_state()
        assert "预计三日内答复" in page.locator(".reply-official").first.inner_text()
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        page.context.close()
