"""The site frame a resident meets first: the site's identity, 我要留言, large text, form errors."""

import pytest
import sqlalchemy as sa

from weibo_app.core.extensions import db
from weibo_app.core.settings import get_setting
from weibo_app.models import AuditLog, Role


@pytest.fixture
def admin(make):
    return make.user(Role.ADMIN)


def test_the_site_identity_an_admin_enters_is_in_every_header_and_footer(client, make, login, admin):
    login(admin)
    resp = client.post("/admin/site", data={
        "SITE_NAME": "清河县政务微博", "SITE_OWNER": "清河县人民政府办公室", "SITE_OPERATOR": "县政务公开办",
        "SITE_ICP": "冀ICP备12345678号", "SITE_CONTACT": "0319-1234567", "SITE_ACCESSIBILITY": "第一段\n\n第二段",
    })
    assert resp.status_code == 303
    client.post("/auth/logout")
    page = client.get("/departments").get_data(as_text=True)
    assert "<title>部门 · 清河县政务微博</title>" in page
    assert '<a class="site-name" href="/">清河县政务微博</a>' in page
    for text in ("主办单位：清河县人民政府办公室", "承办单位：县政务公开办", "冀ICP备12345678号", "联系方式：0319-1234567"):
        assert text in page
    statement = client.get("/accessibility").get_data(as_text=True)
    assert "<p>第一段</p>" in statement and "<p>第二段</p>" in statement
    rows = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "setting.change")).all()
    assert {row.details["name"] for row in rows} == {
        "SITE_NAME", "SITE_OWNER", "SITE_OPERATOR", "SITE_ICP", "SITE_CONTACT", "SITE_ACCESSIBILITY"}


def test_an_unset_identity_leaves_the_plain_name_and_no_empty_footer_lines(client):
    page = client.get("/").get_data(as_text=True)
    assert '<a class="site-name" href="/">政务微博</a>' in page
    assert "主办单位" not in page and "联系方式" not in page


def test_a_refused_site_setting_changes_nothing_keeps_the_typed_text_and_names_the_field(client, login, admin):
    login(admin)
    resp = client.post("/admin/site", data={"SITE_NAME": "新名称", "SITE_OWNER": "长" * 121})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "主办单位不能超过120个字" in page
    assert 'value="新名称"' in page and "长" * 121 in page
    assert get_setting("SITE_NAME") == "" and get_setting("SITE_OWNER") == ""


def test_settings_errors_use_the_settings_name_and_keep_the_typed_value(client, login, admin):
    login(admin)
    resp = client.post("/admin/settings", data={"POST_MAX_LENGTH": "abc", "FLAG_THRESHOLD": "5"})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "微博字数上限必须是整数" in page
    assert "POST_MAX_LENGTH 必须" not in page
    assert 'value="abc"' in page
    assert get_setting("FLAG_THRESHOLD") == 3


def test_the_ask_page_lists_the_tree_and_finds_a_department_by_name(client, make):
    county = make.department("county", "清河县人民政府")
    make.department("jiaoyu", "清河县教育局", parent=county)
    make.department("jiaotong", "清河县交通运输局", parent=county)
    page = client.get("/ask").get_data(as_text=True)
    assert "找到3个部门" in page
    assert 'href="/d/jiaoyu?tab=board#ask"' in page
    found = client.get("/ask?q=教育").get_data(as_text=True)
    assert "找到1个部门" in found and "向清河县教育局留言" in found and "交通运输局" not in found
    assert "没有找到" in client.get("/ask?q=%25").get_data(as_text=True)


def test_the_ask_entry_is_in_the_header_for_visitors_and_residents_not_staff(client, make, login):
    assert 'href="/ask"' in client.get("/").get_data(as_text=True)
    login(make.user(Role.RESIDENT))
    assert 'href="/ask"' in client.get("/").get_data(as_text=True)
    login(make.staff(make.department()))
    assert 'class="button button-primary ask-entry"' not in client.get("/").get_data(as_text=True)


def test_large_text_is_chosen_once_and_kept_on_every_later_page(client):
    first = client.get("/departments?text=large")
    assert '<html lang="zh-CN" class="text-large">' in first.get_data(as_text=True)
    assert "textsize=large" in first.headers["Set-Cookie"]
    later = client.get("/scoreboard").get_data(as_text=True)
    assert 'class="text-large"' in later and "标准字号" in later
    client.get("/?text=normal")
    assert 'class="text-large"' not in client.get("/scoreboard").get_data(as_text=True)
    assert 'class="text-large"' not in client.get("/?text=huge").get_data(as_text=True)


def test_every_page_loads_the_error_summary_script(client):
    assert '<script src="/static/js/site.js" defer></script>' in client.get("/auth/login").get_data(as_text=True)
