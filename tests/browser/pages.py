"""Steps the browser tests share."""

from __future__ import annotations


def log_in(page, base: str, username: str, password: str) -> None:
    """Sign in through the login form, as a person would, and check it worked."""
    page.goto(f"{base}/auth/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()
    assert "/auth/login" not in page.url, f"{username} could not log in"
