"""Keyboard only: a resident asks a question and a department's clerk answers one, with no
mouse, on the demo county.

The journeys move only with keyboard.press (Tab, Shift+Tab, Enter, Space, arrow keys) and
type only into whatever has focus; where the page must be read (where focus is, what it
looks like), the test reads it. Every stop that is checked must show a focus indicator.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from weibo_app.demo import PASSWORD

pytestmark = pytest.mark.browser

# What has focus, and how it is drawn.
FOCUSED = """() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    return {
        tag: e.tagName, id: e.id, href: e.getAttribute('href') || '', cls: e.className,
        text: (e.innerText || '').trim().split('\\n')[0],
        label: e.labels && e.labels[0] ? e.labels[0].innerText.trim() : '',
        value: e.value === undefined ? null : e.value,
        choice: e.tagName === 'SELECT' ? e.options[e.selectedIndex].text : null,
        in_main: !!e.closest('main'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
        on_screen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < innerHeight && box.left < innerWidth,
    };
}"""


def _focused(page) -> dict:
    return page.evaluate(FOCUSED)


def _tab_to(page, what: str, matches, *, key: str = "Tab", limit: int = 40) -> dict:
    """Press ``key`` until the focused element ``matches``; fail after ``limit`` presses."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = _focused(page)
        if matches(focused):
            return focused
        seen.append(focused["text"] or focused["label"] or focused["tag"])
    raise AssertionError(f"{what} not reached by {key} in {limit} presses; passed: {seen}")


def _visibly_focused(focused: dict) -> dict:
    assert focused["outline"] or focused["shadow"], f"no focus indicator on {focused}"
    assert focused["on_screen"], f"focused element is off screen: {focused}"
    return focused


def _walk_main(page, limit: int = 80) -> list[str]:
    """Tab through every stop in <main>, each of which must show its focus; returns their names."""
    names = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["in_main"]:
            _visibly_focused(focused)
            names.append(focused["label"] or focused["text"] or focused["tag"])
        elif names:
            return names
    raise AssertionError(f"focus did not leave <main> in {limit} presses: {names}")


# After each Tab, records what has focus and whether it is drawn (read back in batches).
# keyup rather than focusin: moving between the parts of a date field fires no focusin.
RECORD_STOPS = """() => {
    window.focusStops = [];
    document.addEventListener('keyup', event => {
        if (event.key !== 'Tab') return;
        const e = document.activeElement, style = getComputedStyle(e);
        window.focusStops.push({
            name: e.tagName + ' ' + (e.id || e.getAttribute('href') || (e.innerText || '').trim().slice(0, 20)),
            shown: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none',
        });
    });
}"""


def _walk_page(page, limit: int = 150) -> int:
    """Tab from the top of the page until focus leaves it; every stop must show its focus."""
    page.evaluate(RECORD_STOPS)
    for _ in range(0, limit, 10):
        for _ in range(10):
            page.keyboard.press("Tab")
        stops = page.evaluate("window.focusStops")
        ends = [i for i, stop in enumerate(stops) if stop["name"].startswith("BODY")]
        if ends:  # past the last stop, focus leaves the page
            stops = stops[:ends[0]]
            assert [stop for stop in stops if not stop["shown"]] == [], page.url
            return len(stops)
    raise AssertionError(f"focus did not come back round in {limit} presses")


def _log_in(page, username: str) -> None:
    """From the login page: Tab to each field, type, Enter."""
    _visibly_focused(_tab_to(page, "用户名", lambda f: f["label"].startswith("用户名")))
    page.keyboard.type(username)
    _visibly_focused(_tab_to(page, "密码", lambda f: f["label"].startswith("密码"), limit=1))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def test_resident_logs_in_and_asks_by_keyboard(demo_site, browser):
    base = demo_site
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{base}/")

        # The skip link comes first, shows itself when focused, and lands in <main>.
        skip = _visibly_focused(_tab_to(page, "the skip link", lambda f: True, limit=1))
        assert (skip["text"], skip["href"]) == ("跳到主要内容", "#main"), skip
        page.keyboard.press("Enter")
        assert _focused(page)["id"] == "main"
        assert _visibly_focused(_tab_to(page, "main's first link", lambda f: True, limit=1))["in_main"]

        # Back up into the header to 登录.
        _visibly_focused(_tab_to(page, "登录", lambda f: f["text"] == "登录", key="Shift+Tab"))
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/auth/login"))
        _log_in(page, "resident01")

        _visibly_focused(_tab_to(page, "我要留言", lambda f: f["text"] == "我要留言", limit=5))
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/ask$"))

        # Narrow the departments by typing, then follow the one that is wanted.
        _visibly_focused(_tab_to(page, "the department filter", lambda f: f["label"] == "按名称查找部门"))
        names = page.locator("#dept-choices li").evaluate_all("items => items.map(i => i.dataset.name)")
        wanted = [name for name in names if "教育" in name]
        assert 0 < len(wanted) < len(names), names
        page.keyboard.type("教育")
        expect(page.locator("#dept-choices li:not([hidden])")).to_have_count(len(wanted))
        expect(page.locator("#dept-count")).to_have_text(f"找到{len(wanted)}个部门")
        _visibly_focused(_tab_to(page, "向清河县教育局留言", lambda f: f["text"] == "向清河县教育局留言", limit=5))
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/d/jiaoyu\?tab=board#ask$"))

        # The link's #ask puts the keyboard at the form: its first field is the next stop.
        kind = _visibly_focused(_tab_to(page, "类型", lambda f: True, limit=1))
        assert kind["label"] == "类型", kind
        page.keyboard.press("ArrowDown")
        assert _focused(page)["choice"] == "投诉"

        # Sent without its text, the form comes back with the errors gathered at its top and
        # focused; the error's link takes the keyboard to the field.
        _visibly_focused(_tab_to(page, "提交留言", lambda f: f["text"] == "提交留言", limit=6))
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/d/jiaoyu"))
        expect(page.locator(".error-summary")).to_be_focused()
        _visibly_focused(_focused(page))
        _visibly_focused(_tab_to(page, "the error's link", lambda f: f["text"].startswith("留言内容"), limit=1))
        page.keyboard.press("Enter")
        assert _focused(page)["label"].startswith("留言内容")

        body = "学校门口的人行横道线已经磨没了，上下学时车辆不减速，请尽快重新施划。"
        page.keyboard.type(body)
        _visibly_focused(_tab_to(page, "提交留言", lambda f: f["text"] == "提交留言", limit=3))
        page.keyboard.press("Space")
        page.wait_for_url(re.compile(r"/t/\d+$"))

        thread = page.locator("article.thread-detail")
        expect(thread).to_contain_text(body)
        expect(thread.locator("h1")).to_contain_text("投诉")
        expect(thread.locator("h1")).to_contain_text("清河县教育局")
    finally:
        context.close()


def test_staff_answer_from_the_inbox_by_keyboard(demo_site, browser):
    base = demo_site
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{base}/auth/login")
        _log_in(page, "jiaoyu_staff")

        _visibly_focused(_tab_to(page, "待办", lambda f: f["text"].startswith("待办")))
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/inbox$"))

        # The table's scroller takes focus (so it can be scrolled by keys) and shows it.
        _visibly_focused(_tab_to(page, "the inbox table", lambda f: f["tag"] == "DIV"))
        link = _visibly_focused(_tab_to(page, "办理", lambda f: f["text"].startswith("办理")
                                        and f["href"].startswith("/t/")))
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(re.escape(link["href"]) + "$"))

        # Every control of the thread page (signing for it, answering, extension, transfer,
        # notes, date fields included) shows where focus is; then back up to the answer box.
        stops = _walk_main(page)
        assert any(name.startswith("回复内容") for name in stops), stops
        assert any(name.startswith("延期至") for name in stops), stops

        answer = "您好，学校门口的标线已安排重新施划，本周内完成。"
        _visibly_focused(_tab_to(page, "回复内容", lambda f: f["label"].startswith("回复内容"), key="Shift+Tab", limit=60))
        page.keyboard.type(answer)
        _visibly_focused(_tab_to(page, "发布官方回复", lambda f: f["text"] == "发布官方回复", limit=3))
        page.keyboard.press("Enter")

        expect(page.locator(".replies")).to_contain_text(answer)
        expect(page.locator(".flash-success")).to_be_visible()
        assert page.url.endswith(link["href"])
    finally:
        context.close()


# Pages with forms (date and time fields, file inputs, checkboxes, selects, details), by role.
FORM_PAGES = {
    None: ["/auth/register"],
    "resident01": ["/requests/new"],
    "jiaoyu_staff": ["/posts/new"],
    "ducha": ["/dispatch"],
    "admin": ["/admin/settings"],
}


def test_every_stop_on_the_form_pages_shows_focus(demo_site, browser):
    base = demo_site
    for user, paths in FORM_PAGES.items():
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        try:
            if user:
                page.goto(f"{base}/auth/login")
                _log_in(page, user)
            for path in paths:
                page.goto(f"{base}{path}")
                assert _walk_page(page, limit=200) > 10, path
        finally:
            context.close()
