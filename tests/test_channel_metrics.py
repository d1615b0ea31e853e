"""Every figure broken down by channel: the dashboard, its drill-down and exports, and the API agree."""

import csv
import io
from datetime import timedelta

import pytest

from weibo_app.core.clock import local_today
from weibo_app.core.extensions import db
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.models import Role
from weibo_app.threads.operations import reply_to_thread
from weibo_app.threads.recording import record_request


@pytest.fixture
def world(make):
    dept = make.department("jiaoyu", "教育局")
    clerk = make.staff(dept)
    post = make.post(author=clerk, department=dept)
    web = [make.thread(post=post), make.thread(post=post)]
    phone = [record_request(clerk, dept, body=f"来电反映问题{i}", kind="complaint", channel="phone",
                            contact_name="张三", contact_phone="13800000000")[0] for i in range(3)]
    letter, _created = record_request(clerk, dept, body="来信反映问题", kind="suggestion", channel="letter",
                                      contact_name="李四")
    reply_to_thread(clerk, phone[0], "已办结。")
    reply_to_thread(clerk, web[0], "已办结。")
    db.session.commit()
    return {"dept": dept, "clerk": clerk, "web": web, "phone": phone, "letter": letter}


def _period():
    today = local_today()
    return make_period(today - timedelta(days=1), today + timedelta(days=1))


def _args(**extra):
    today = local_today()
    return {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat(), **extra}


def test_each_channel_counts_its_own_threads_and_all_channels_add_up(world):
    everything = compute_metrics(_period())[0]
    by = {ch: compute_metrics(_period(), channel=ch)[0] for ch in ("web", "phone", "letter", "hotline")}
    assert (by["web"]["threads"], by["phone"]["threads"], by["letter"]["threads"], by["hotline"]["threads"]) == (2, 3, 1, 0)
    assert (by["web"]["answered"], by["phone"]["answered"], by["letter"]["answered"]) == (1, 1, 0)
    assert (by["web"]["awaiting"], by["phone"]["awaiting"], by["letter"]["awaiting"]) == (1, 2, 1)
    for field in ("threads", "answered", "awaiting", "responded"):
        assert everything[field] == sum(row[field] for row in by.values())
    assert by["phone"]["reply_rate"] == pytest.approx(1 / 3)


def test_the_api_breaks_figures_down_by_channel_and_refuses_an_unknown_one(client, world):
    resp = client.get("/api/v1/metrics", query_string=_args(channel="phone"))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["channel"] == "phone" and body["departments"][0]["threads"] == 3
    bad = client.get("/api/v1/metrics", query_string=_args(channel="pigeon"))
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_channel"


def test_the_dashboard_its_rows_and_its_export_follow_the_chosen_channel(client, make, login, world):
    login(make.user(Role.SUPERVISOR, department=world["dept"]))
    page = client.get("/dashboard", query_string=_args(channel="letter")).get_data(as_text=True)
    assert '<option value="letter" selected>' in page
    assert "channel=letter" in page
    rows = client.get("/dashboard/rows", query_string=_args(figure="threads", department="jiaoyu", channel="phone"))
    text = rows.get_data(as_text=True)
    assert all(f"第{t.id}号" in text for t in world["phone"])
    assert all(f"第{t.id}号" not in text for t in world["web"])
    table = list(csv.reader(io.StringIO(client.get(
        "/dashboard/export.csv", query_string=_args(channel="phone", subtree=0)).get_data().decode("utf-8")[1:])))
    threads = table[0].index("留言数")
    assert table[1][threads] == "3"
