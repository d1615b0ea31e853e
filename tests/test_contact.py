"""Residents told outside the site: verified e-mail and mobile, their choices, the outbox and the SMS gateway."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
import time_machine

from weibo_app.core.clock import utcnow
from weibo_app.core.exceptions import Invalid
from weibo_app.core.extensions import db
from weibo_app.models import ContactSettings, OutboxMessage, SmsOutboxEntry
from weibo_app.notifications import contact as ops
from weibo_app.notifications.sms import HttpGateway, SmsError
from weibo_app.threads import operations as thread_ops


def outbox(channel: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == channel).order_by(OutboxMessage.id)))


def sms_to(number: str) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SmsOutboxEntry.text).where(SmsOutboxEntry.to == number)
                                   .order_by(SmsOutboxEntry.id)))


def code_for(resident, number: str, monkeypatch) -> str:
    """Ask for a code and read it from the log gateway's outbox."""
    ops.request_phone_code(resident, number)
    db.session.commit()
    return re.search(r"验证码是(\d{6})", sms_to(number)[-1]).group(1)


def verified_phone(resident, number: str, monkeypatch) -> None:
    assert ops.verify_phone(resident, code_for(resident, number, monkeypatch)) is None
    db.session.commit()


# --- mobile number -------------------------------------------------------------------------------

def test_code_is_hashed_expires_and_attempts_are_limited(app, make, monkeypatch):
    resident = make.user()
    code = code_for(resident, "13800138000", monkeypatch)
    row = db.session.get(ContactSettings, resident.id)
    assert row.code_hash and code not in row.code_hash and row.phone is None
    # The outbox keeps no clear code once sent.
    assert all(code not in d.body for d in outbox("sms"))
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        assert ops.verify_phone(resident, wrong) == f"验证码不正确，还可尝试{left}次。"
        db.session.commit()
    assert ops.verify_phone(resident, wrong) == "尝试次数过多，请重新获取验证码。"
    db.session.commit()
    # Even the right code is refused now: a new one is needed.
    assert ops.verify_phone(resident, code) == "尝试次数过多，请重新获取验证码。"
    assert db.session.get(ContactSettings, resident.id).phone is None


def test_code_expires_after_ten_minutes_and_sending_is_rate_limited(app, make, monkeypatch):
    resident = make.user()
    start = utcnow()
    with time_machine.travel(start, tick=False) as traveller:
        code = code_for(resident, "13800138001", monkeypatch)
        with pytest.raises(Exception, match="过于频繁"):
            ops.request_phone_code(resident, "13800138001")
        db.session.rollback()
        traveller.shift(timedelta(minutes=11))
        assert ops.verify_phone(resident, code) == "验证码已过期，请重新获取。"
        db.session.rollback()
        fresh = code_for(resident, "13800138001", monkeypatch)
        assert ops.verify_phone(resident, fresh) is None
        db.session.commit()
    row = db.session.get(ContactSettings, resident.id)
    assert row.phone == "13800138001" and row.phone_verified and row.code_hash is None


def test_bad_numbers_are_refused(app, make):
    with pytest.raises(Invalid):
        ops.request_phone_code(make.user(), "12345")


# --- e-mail --------------------------------------------------------------------------------------

def _link(address: str) -> str:
    body = [d.body for d in outbox("email") if d.to == address][-1]
    return re.search(r"(/me/contact/email/verify/\S+)", body).group(1)


def test_email_link_verifies_and_expired_or_tampered_links_are_refused(app, make, client, login):
    resident = make.user()
    login(resident)
    start = utcnow()
    with time_machine.travel(start, tick=False) as traveller:
        assert client.post("/me/contact/email", data={"email": "Li@Example.test"}).status_code == 303
        link = _link("li@example.test")
        tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
        resp = client.get(tampered)
        assert resp.status_code == 400 and "验证链接无效" in resp.get_data(as_text=True)
        traveller.shift(timedelta(hours=25))
        resp = client.get(link)
        assert resp.status_code == 400 and "验证链接已过期" in resp.get_data(as_text=True)
        assert not db.session.get(ContactSettings, resident.id).email_verified
        # A new mail, opened in time, verifies.
        client.post("/me/contact/email", data={"email": "li@example.test"})
        assert client.get(_link("li@example.test")).status_code == 303
    assert db.session.get(ContactSettings, resident.id).email_verified


def test_a_link_for_a_replaced_address_is_refused(app, make, client, login):
    resident = make.user()
    login(resident)
    client.post("/me/contact/email", data={"email": "old@example.test"})
    old_link = _link("old@example.test")
    client.post("/me/contact/email", data={"email": "new@example.test"})
    assert client.get(old_link).status_code == 400
    assert client.post("/me/contact/email", data={"email": "not-an-address"}).status_code == 422


# --- preferences and delivery ----------------------------------------------------------------------

def test_preferences_need_verified_channels(app, make, client, login, monkeypatch):
    resident = make.user()
    login(resident)
    assert client.get("/me/contact").status_code == 200
    resp = client.post("/me/contact/preferences", data={"notify_sms": "y"})
    assert resp.status_code == 422 and "请先验证手机号码" in resp.get_data(as_text=True)
    verified_phone(resident, "13900139000", monkeypatch)
    assert client.post("/me/contact/preferences", data={"notify_sms": "y"}).status_code == 303
    assert db.session.get(ContactSettings, resident.id).notify_sms


def test_answered_thread_texts_a_resident_who_chose_sms_and_no_one_else(app, make, monkeypatch):
    dept = make.department(name="县住建局")
    staff = make.staff(dept)
    chose, silent = make.user(), make.user()
    for who, number in ((chose, "13700137000"), (silent, "13700137001")):
        verified_phone(who, number, monkeypatch)
    ops.set_preferences(chose, email=False, sms=True)
    db.session.commit()
    threads = [make.thread(author=who, department=dept, body="路灯坏了") for who in (chose, silent)]
    for thread in threads:
        thread_ops.reply_to_thread(staff, thread, "已修复")
    db.session.commit()
    texts = sms_to("13700137000")
    assert texts[-1] == f"县住建局回复了您的第{threads[0].id}号留言“路灯坏了”。"
    assert [t for t in sms_to("13700137001") if "回复" in t] == []
    sent = [d for d in outbox("sms") if d.to == "13700137000" and "回复" in d.body]
    assert [(d.state, d.attempts) for d in sent] == [("sent", 1)]


def test_rolled_back_action_sends_nothing_and_admins_see_the_outbox(app, make, client, login, monkeypatch):
    from weibo_app.models import Role

    dept = make.department()
    resident = make.user()
    verified_phone(resident, "13600136000", monkeypatch)
    ops.set_preferences(resident, email=False, sms=True)
    db.session.commit()
    thread = make.thread(author=resident, department=dept)
    before = len(sms_to("13600136000"))
    thread_ops.reply_to_thread(make.staff(dept), thread, "回复")
    db.session.rollback()
    assert len(sms_to("13600136000")) == before
    login(make.user(Role.ADMIN))
    assert "13600136000" in client.get("/admin/sms").get_data(as_text=True)
    login(resident)
    assert client.get("/admin/sms").status_code == 403


def test_failed_sends_are_retried_then_recorded_as_failed(app, make, monkeypatch):
    from weibo_app.notifications import delivery

    calls = []

    def broken(to, text):
        calls.append(to)
        raise SmsError("gateway down")

    monkeypatch.setattr(delivery, "send_sms", broken)
    resident = make.user()
    ops.request_phone_code(resident, "13500135000")
    db.session.commit()  # must not raise into the action
    row = outbox("sms")[-1]
    assert (row.state, row.attempts, row.last_error) == ("failed", 3, "gateway down")
    assert len(calls) == 3


# --- the http gateway against a local server ---------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    received: list = []
    plan: list = []  # per request: an HTTP status, or "slow"

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length))
        step = self.plan.pop(0) if self.plan else 200
        if step == "slow":
            time.sleep(1.0)
            step = 200
        type(self).received.append(body)
        try:
            self.send_response(step)
            self.end_headers()
            self.wfile.write(b"{}")
        except BrokenPipeError:
            pass  # the client timed out and left

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_server():
    # A class per server: a slow request left over from another test cannot write into this one.
    handler = type("Handler", (_Handler,), {"received": [], "plan": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.handler = handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()
    server.server_close()


def test_http_gateway_delivers_json(sms_server):
    handler, url = sms_server
    HttpGateway(url, timeout=2, retries=0).send("13800138000", "您好")
    assert handler.received == [{"to": "13800138000", "text": "您好"}]


def test_http_gateway_retries_a_server_error(sms_server):
    handler, url = sms_server
    handler.plan = [500, 200]
    HttpGateway(url, timeout=2, retries=2, pause=0).send("13800138000", "重试")
    assert len(handler.received) == 2


def test_http_gateway_gives_up_after_a_timeout(sms_server):
    handler, url = sms_server
    handler.plan = ["slow", "slow"]
    with pytest.raises(SmsError):
        HttpGateway(url, timeout=0.2, retries=1, pause=0).send("13800138000", "超时")


def test_http_backend_through_the_outbox(app, make, sms_server, monkeypatch):
    handler, url = sms_server
    app.config.update(SMS_BACKEND="http", SMS_HTTP_URL=url)
    ops.request_phone_code(make.user(), "13400134000")
    db.session.commit()
    assert handler.received[0]["to"] == "13400134000" and "验证码" in handler.received[0]["text"]
    assert outbox("sms")[-1].state == "sent"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SmsOutboxEntry)) == 0
