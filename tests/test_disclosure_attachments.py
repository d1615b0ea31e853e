"""Files given with the answer to an information request: checked by their bytes, stored outside
static/, all or nothing, shown and served only to those who may read the request."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from weibo_app.auth.tokens import issue_token
from weibo_app.core.extensions import db
from weibo_app.core.settings import set_setting
from weibo_app.disclosure.attachments import clean_name, sniff
from weibo_app.models import AuditLog, InfoRequest, Notification, RequestAttachment, Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
MB = 1024 * 1024


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "ATTACHMENT_DIR": str(tmp_path / "attachments"), "UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def stored(app):
    root = Path(app.config["ATTACHMENT_DIR"])
    return lambda: sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def w(app, make):
    class W:
        pass

    w = W()
    county = make.department(slug="county", name="清河县")
    w.a = make.department(slug="jiaoyu", name="教育局", parent=county)
    w.b = make.department(slug="jiaotong", name="交通局", parent=county)
    w.staff_a, w.staff_b = make.staff(w.a), make.staff(w.b)
    w.sup_a, w.sup_b = make.user(Role.SUPERVISOR, w.a), make.user(Role.SUPERVISOR, w.b)
    w.resident, w.other = make.user(), make.user()
    w.h = {name: {"Authorization": f"Bearer {issue_token(getattr(w, name))}"} for name in
           ("staff_a", "staff_b", "sup_a", "sup_b", "resident", "other")}
    db.session.commit()
    # Fri 18 Sep 2026, a working day, for the whole test (a sign-in lasts as long as the test);
    # the clock stops only once the app and its database are up.
    with at(2026, 9, 18, 10):
        yield w


NEW = {"department": "jiaoyu", "description": "请公开本县2026年义务教育学区划分方案。", "delivery": "email",
       "applicant": {"type": "person", "name": "张三", "email": "zhang@example.cn"}}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CN_NAME = "2026年学区划分方案.pdf"


def ooxml(main: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(main, "<x/>")
    return buf.getvalue()


def odf(mimetype: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<x/>")
    return buf.getvalue()


DOCX = ooxml("word/document.xml")


def file_request(client, w) -> str:
    resp = client.post("/api/v1/requests", json=NEW, headers=w.h["resident"])
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["number"]


def api_answer(client, w, number, files, outcome="public", who="staff_a"):
    # Encoded in memory: the test client's own spooling would leave a temporary file open.
    boundary, body = encode_multipart(MultiDict(
        [("outcome", outcome), ("body", "现将所申请的信息提供给您，见附件。")]
        + [("files", FileStorage(io.BytesIO(data), filename=name)) for name, data in files]))
    return client.post(f"/api/v1/requests/{number}/answer", headers=w.h[who], data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def nothing_saved(number, stored):
    req = db.session.scalar(sa.select(InfoRequest).where(InfoRequest.number == number))
    db.session.refresh(req)
    assert (req.state, req.outcome, req.answered_on) == ("received", None, None)
    assert db.session.scalar(sa.select(sa.func.count(RequestAttachment.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "request.answered")) == 0
    assert stored() == []


def test_page_upload_download_round_trip_and_what_everyone_sees(client, login, w, stored):
    with at(2026, 9, 18, 10):
        number = file_request(client, w)
        login(w.staff_a)
        page = client.get(f"/requests/{number}").get_data(as_text=True)
        assert 'enctype="multipart/form-data"' in page and 'type="file"' in page and "multiple" in page
        resp = client.post(f"/requests/{number}/answer", content_type="multipart/form-data", data={
            "outcome": "public", "body": "现提供学区划分方案。",
            "files": [(io.BytesIO(PDF), CN_NAME), (io.BytesIO(DOCX), "..\\..\\static/附表 说明.docx")]})
        assert resp.status_code == 303, resp.get_data(as_text=True)
    rows = list(db.session.scalars(sa.select(RequestAttachment).order_by(RequestAttachment.id)))
    assert [(r.name, r.size, r.sha256) for r in rows] == [
        (CN_NAME, len(PDF), hashlib.sha256(PDF).hexdigest()),
        ("附表 说明.docx", len(DOCX), hashlib.sha256(DOCX).hexdigest())]
    assert rows[1].content_type.endswith("wordprocessingml.document") and rows[0].uploaded_by_id == w.staff_a.id
    # Stored under random keys in the attachment folder, not under the client's name (nor static/).
    files = stored()
    assert len(files) == 2 and all(".." not in str(f) and "static" not in f.parts for f in files)
    assert sorted(f.read_bytes() for f in files) == sorted([PDF, DOCX])
    html = client.get(f"/requests/{number}").get_data(as_text=True)
    assert CN_NAME in html and "附表 说明.docx" in html and "PDF" in html and "DOCX" in html
    link = f"/requests/{number}/attachments/{rows[0].id}"
    assert f'href="{link}"' in html
    got = client.get(link)
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    # The applicant: the same list on the request's page, reached from /me/requests.
    login(w.resident)
    assert number in client.get("/me/requests").get_data(as_text=True)
    html = client.get(f"/requests/{number}").get_data(as_text=True)
    assert f'href="{link}"' in html and "附表 说明.docx" in html
    assert client.get(link).data == PDF
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == w.resident.id,
                                                           Notification.kind == "request_answered"))
    assert note.data["attachments"] == 2
    assert "2个文件" in client.get("/notifications").get_data(as_text=True)
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "request.answered"))
    assert [f["sha256"] for f in audit.details["attachments"]] == [r.sha256 for r in rows]


def test_chinese_name_header(client, w):
    with at(2026, 9, 18, 10):
        number = file_request(client, w)
        att = api_answer(client, w, number, [(CN_NAME, PDF)]).get_json()["attachments"][0]
        got = client.get(att["url"], headers=w.h["resident"])
    disposition = got.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(CN_NAME, safe='')}" in disposition
    assert 'filename="2026.pdf"' in disposition  # the ASCII fallback for old clients
    assert disposition.encode("latin-1")  # a header value the server can send as it is


def test_read_matrix(client, login, w):
    with at(2026, 9, 18, 10):
        number = file_request(client, w)
        other_number = file_request(client, w)
        att = api_answer(client, w, number, [("a.pdf", PDF)]).get_json()["attachments"][0]
        api_answer(client, w, other_number, [("b.pdf", PDF)])
    link = f"/requests/{number}/attachments/{att['id']}"
    assert client.get(link).status_code == 302  # anonymous: sign in first, no bytes
    assert client.get(att["url"]).status_code == 401
    for who, status in (("resident", 200), ("staff_a", 200), ("sup_a", 200),
                        ("staff_b", 404), ("sup_b", 404), ("other", 404)):
        login(getattr(w, who))
        page = client.get(link)
        assert page.status_code == status, who
        api = client.get(att["url"], headers=w.h[who])
        assert api.status_code == status, who
        assert (page.data == PDF) == (status == 200) and (api.data == PDF) == (status == 200)
        if status == 404:
            assert api.get_json()["error"]["code"] == "request_not_found"
    # An attachment is only found under its own request's number.
    login(w.staff_a)
    assert client.get(f"/requests/{other_number}/attachments/{att['id']}").status_code == 404
    resp = client.get(f"/api/v1/requests/{other_number}/attachments/{att['id']}", headers=w.h["staff_a"])
    assert resp.get_json()["error"]["code"] == "attachment_not_found"


@pytest.mark.parametrize(("name", "data"), [
    ("report.pdf", b"MZ\x90\x00\x03" + b"\0" * 64),  # a program named .pdf
    ("notice.pdf", b"<html><script>alert(1)</script></html>"),  # a page named .pdf
    ("table.docx", PDF),  # a PDF named .docx: the bytes and the name disagree
    ("data.csv", b"a,b\x00\x01\x02"),  # binary named .csv
    ("tool.exe", b"MZ\x90\x00"),
    ("noext", PDF),
])
def test_bad_type_by_bytes_changes_nothing(client, login, w, stored, name, data):
    with at(2026, 9, 18, 10):
        number = file_request(client, w)
        login(w.staff_a)
        resp = client.post(f"/requests/{number}/answer", content_type="multipart/form-data", data={
            "outcome": "public", "body": "见附件。", "files": [(io.BytesIO(PDF), "ok.pdf"), (io.BytesIO(data), name)]})
        assert resp.status_code == 422
        html = resp.get_data(as_text=True)
        assert "类型不受支持或与扩展名不符" in html and 'id="answer-files-error"' in html
        nothing_saved(number, stored)
        api = api_answer(client, w, number, [("ok.pdf", PDF), (name, data)])
        assert api.status_code == 422 and api.get_json()["error"]["code"] == "attachment_bad_type"
        nothing_saved(number, stored)


def test_too_large_too_many_and_wrong_outcome_change_nothing(client, w, stored):
    with at(2026, 9, 18, 10):
        number = file_request(client, w)
        set_setting("ATTACHMENT_MAX_MB", 1)
        set_setting("ATTACHMENT_MAX_FILES", 2)
        db.session.commit()
        big = PDF + b"0" * (MB - len(PDF) + 1)
        resp = api_answer(client, w, number, [("ok.pdf", PDF), ("big.pdf", big)])
        assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "attachment_too_large"
        assert "1MB" in resp.get_json()["error"]["message"]
        nothing_saved(number, stored)
        resp = api_answer(client, w, number, [(f"{n}.pdf", PDF) for n in range(3)])
        assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "too_many_attachments"
        nothing_saved(number, stored)
        resp = api_answer(client, w, number, [("ok.pdf", PDF)], outcome="withheld_secret")
        assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "attachments_not_allowed"
        nothing_saved(number, stored)
        resp = api_answer(client, w, number, [("empty.pdf", b"")])
        assert resp.get_json()["error"]["code"] == "attachment_empty"
        nothing_saved(number, stored)
        # Exactly at the limits: accepted.
        exact = PDF + b"0" * (MB - len(PDF))
        resp = api_answer(client, w, number, [("a.pdf", exact), ("b.pdf", PDF)], outcome="partial")
        assert resp.status_code == 200 and len(resp.get_json()["attachments"]) == 2


def test_only_staff_of_the_department_may_answer_with_files(client, w, stored):
    with at(2026, 9, 18, 10):
        number = file_request(client, w)
        assert api_answer(client, w, number, [("a.pdf", PDF)], who="staff_b").status_code == 404
        assert api_answer(client, w, number, [("a.pdf", PDF)], who="resident").status_code == 403
        nothing_saved(number, stored)


def test_api_multipart_answer_and_larger_than_the_site_wide_body_limit(client, w, stored, app):
    with at(2026, 9, 18, 10):
        number = file_request(client, w)
        big = PDF + b"0" * (app.config["MAX_CONTENT_LENGTH"] + MB)  # more than any other form may send
        xlsx, odt = ooxml("xl/workbook.xml"), odf("application/vnd.oasis.opendocument.text")
        resp = api_answer(client, w, number, [("方案.PDF", big), ("表.xlsx", xlsx), ("说明.odt", odt),
                                              ("名单.csv", "姓名,学校\n张三,一中\n".encode("gb18030"))])
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        assert body["state"] == "answered" and body["outcome"] == "public"
        listed = body["attachments"]
        assert [(a["name"], a["content_type"], a["size"]) for a in listed] == [
            ("方案.pdf", "application/pdf", len(big)),
            ("表.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", len(xlsx)),
            ("说明.odt", "application/vnd.oasis.opendocument.text", len(odt)),
            ("名单.csv", "text/csv", len("姓名,学校\n张三,一中\n".encode("gb18030")))]
        got = client.get(f"/api/v1/requests/{number}", headers=w.h["resident"]).get_json()
        assert got["attachments"] == listed
        assert client.get(listed[0]["url"], headers=w.h["sup_a"]).data == big
        assert len(stored()) == 4
        # Answered: no second answer, and nothing more is stored.
        again = api_answer(client, w, number, [("c.pdf", PDF)])
        assert again.status_code == 409 and len(stored()) == 4


def test_json_answer_still_works_without_files(client, w):
    with at(2026, 9, 18, 10):
        number = file_request(client, w)
        resp = client.post(f"/api/v1/requests/{number}/answer", headers=w.h["staff_a"],
                           json={"outcome": "withheld_secret", "body": "属于国家秘密。"})
        assert resp.status_code == 200 and resp.get_json()["attachments"] == []


def test_names_and_kinds():
    assert clean_name("../../etc/passwd.PDF") == ("passwd", "pdf")
    assert clean_name("C:\\Users\\张\\答复 \x07书.pdf") == ("答复 书", "pdf")
    assert clean_name('a<b>:"|?*.txt') == ("ab", "txt")
    assert clean_name(".pdf") == ("", "pdf") and clean_name("") == ("", "")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
    assert sniff(ole + "WordDocument".encode("utf-16-le"), "doc") == "doc"
    assert sniff(ole + "Workbook".encode("utf-16-le"), "xls") == "xls"
    assert sniff(ole + "PowerPoint Document".encode("utf-16-le"), "doc") is None
    assert sniff(odf("application/vnd.oasis.opendocument.spreadsheet"), "ods") == "ods"
    assert sniff(DOCX, "zip") == "zip" and sniff(DOCX, "docx") == "docx"
    assert sniff(b"PK\x03\x04broken", "zip") is None
    assert sniff(b"\xff\xd8\xff\xe0JFIF", "jpg") == "jpg" and sniff(b"\x89PNG\r\n\x1a\n", "png") == "png"
    assert sniff("纯文本".encode(), "txt") == "txt" and sniff(b"\xff\xfe\x00\x00", "txt") is None


def test_a_failure_after_the_files_were_written_leaves_no_file(client, w, stored, monkeypatch):
    number = file_request(client, w)

    def fail(*args, **kwargs):
        raise RuntimeError("the notification could not be written")

    monkeypatch.setattr("weibo_app.disclosure.operations._tell_applicant", fail)
    resp = api_answer(client, w, number, [("a.pdf", PDF), ("b.docx", DOCX)])
    assert resp.status_code == 500
    nothing_saved(number, stored)


def test_only_a_caller_with_a_token_may_send_a_body_over_the_site_wide_limit(client, w, app):
    number = file_request(client, w)
    boundary, body = encode_multipart(MultiDict([
        ("outcome", "public"), ("body", "x"),
        ("files", FileStorage(io.BytesIO(PDF + b"0" * app.config["MAX_CONTENT_LENGTH"]), filename="a.pdf"))]))
    resp = client.post(f"/api/v1/requests/{number}/answer", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 413


def test_the_openapi_document_describes_the_files():
    from weibo_app.api.openapi_spec import build_spec

    spec = build_spec()
    answer = spec["paths"]["/api/v1/requests/{number}/answer"]["post"]
    assert answer["x-multipart-form-data"]["schema"]["properties"]["files"]["items"]["format"] == "binary"
    download = spec["paths"]["/api/v1/requests/{number}/attachments/{attachment_id}"]["get"]
    assert "application/octet-stream" in download["responses"]["200"]["content"]
    assert "attachments" in spec["components"]["schemas"]["InfoRequest"]["properties"]
