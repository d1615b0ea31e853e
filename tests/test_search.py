"""Search across posts and threads: Chinese substrings on both databases, visibility, filters, order, queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weibo_app.core.clock import utcnow
from weibo_app.core.extensions import db
from weibo_app.models import PostState, Role
from weibo_app.posts.lifecycle import create_post
from weibo_app.search import ddl
from weibo_app.search.queries import SearchQuery, parse_query, search
from weibo_app.threads.operations import dismiss_thread, reply_to_thread


def found(q: str, **filters) -> list[tuple[str, int]]:
    result = search(parse_query({"q": q, **filters}), limit=50)
    return [(hit.kind, (hit.post or hit.thread).id) for hit in result.hits]


def test_two_character_word_in_the_middle_of_a_sentence_is_found(make):
    lamp = make.post(body="城区部分路段路灯今晚起分批维修，请市民注意出行安全。")
    make.post(body="本周六上午开展义务植树活动。")

    assert found("路灯") == [("post", lamp.id)]
    assert found("分批维修") == [("post", lamp.id)]
    assert found("维修 路灯") == [("post", lamp.id)]  # every word, in any order
    assert found("路灯 植树") == []
    assert found("供水") == []


def test_single_character_and_ascii_case(make):
    post = make.post(body="关于开通12345 Hotline的说明")

    assert found("说") == [("post", post.id)]
    assert found("hotline") == [("post", post.id)]
    assert found("HOT") == [("post", post.id)]
    assert found("45") == [("post", post.id)]


def test_sqlite_uses_the_trigram_index_and_falls_back_for_short_words(make, backend, count_queries):
    make.post(body="城区部分路段路灯今晚起分批维修")
    with count_queries() as long_word:
        assert len(found("分批维修")) == 1
    with count_queries() as short_word:
        assert len(found("路灯")) == 1
    ranked_long = next(s for s in long_word.statements if "ranked" in s)
    ranked_short = next(s for s in short_word.statements if "ranked" in s)
    if backend == "sqlite":
        assert "MATCH" in ranked_long and "instr" not in ranked_long
        assert "instr" in ranked_short and "MATCH" not in ranked_short
    else:
        assert "ILIKE" in ranked_long.upper() and "ILIKE" in ranked_short.upper()


def test_like_wildcards_and_quotes_are_plain_characters(make):
    rate = make.post(body="完成率达到100%，超额完成")
    make.post(body="完成率达到1000以上")
    under = make.post(body="文件名a_b已归档")
    make.post(body="文件名axb已归档")
    quoted = make.post(body='所谓"网传消息"不实')

    assert found("100%") == [("post", rate.id)]
    assert found("a_b") == [("post", under.id)]
    assert found('"网传消息"') == [("post", quoted.id)]
    assert found('"') == [("post", quoted.id)]


def test_threads_are_found_by_their_text_and_by_their_replies(make):
    dept = make.department()
    staff = make.staff(dept)
    resident = make.user()
    board = make.thread(author=resident, department=dept, body="小区门口的井盖松动了，请尽快处理")
    post = make.post(author=staff, body="关于道路施工的公告")
    on_post = make.thread(author=resident, post=post, body="施工到几点结束？")
    reply_to_thread(staff, on_post, "预计晚上十点前结束夜间施工。")
    db.session.commit()

    assert found("井盖") == [("thread", board.id)]
    assert found("十点前") == [("thread", on_post.id)]
    assert found("夜间 几点") == [("thread", on_post.id)]  # one word in the thread, one in a reply


def test_search_reads_residents_text_as_the_public_does(make):
    """Threads are matched in their masked form: nothing hidden from the public can be probed."""
    dept = make.department()
    hotline = make.post(author=make.staff(dept), body="便民服务热线12345，邮箱 help@gov.cn")
    thread = make.thread(department=dept, body="我的电话13812345678，邮箱 zhangwei.secret@example.com，3号楼停电")

    assert found("1234") == [("post", hotline.id)]
    assert found("13812345678") == []
    assert found("secret") == []  # the hidden part of the address
    assert found("zhangwei") == []
    assert found("5678") == [("thread", thread.id)]  # shown to everyone: 138****5678
    assert found("example.com") == [("thread", thread.id)]
    assert found("3号楼") == [("thread", thread.id)]
    assert found("电话") == [("thread", thread.id)]


def test_newest_first_across_posts_and_threads_with_pages(make):
    dept = make.department()
    staff = make.staff(dept)
    expected = []
    for day in range(1, 6):
        with time_machine.travel(datetime(2026, 3, day, 2, tzinfo=UTC), tick=False):
            if day % 2:
                expected.append(("post", make.post(author=staff, body=f"防汛通知第{day}号").id))
            else:
                expected.append(("thread", make.thread(department=dept, body=f"防汛物资第{day}批在哪领").id))
    expected.reverse()

    with time_machine.travel(datetime(2026, 3, 10, tzinfo=UTC), tick=False):
        first = search(SearchQuery(q="防汛"), limit=2)
        second = search(SearchQuery(q="防汛"), cursor=first.next_cursor, limit=2)
        third = search(SearchQuery(q="防汛"), cursor=second.next_cursor, limit=2)
    pages = [first, second, third]
    seen = [(h.kind, (h.post or h.thread).id) for page in pages for h in page.hits]
    assert seen == expected
    assert third.next_cursor is None


def test_the_public_never_finds_withdrawn_drafts_future_or_hidden_items(make):
    dept = make.department()
    staff = make.staff(dept)
    shown = make.post(author=staff, body="停水通知：明日上午检修")
    withdrawn = make.post(author=staff, body="停水通知（已撤回）")
    thread_on_withdrawn = make.thread(post=withdrawn, body="停水到几点？")
    withdrawn.state = PostState.WITHDRAWN
    withdrawn.withdrawn_at = utcnow()
    hidden = make.post(author=staff, body="停水通知（已隐藏）")
    hidden.hidden_at = utcnow()
    hidden_thread = make.thread(department=dept, body="停水了吗（隐藏）")
    hidden_thread.hidden_at = utcnow()
    held_thread = make.thread(department=dept, body="停水三天了（待审核）")
    held_thread.held_at = utcnow()
    answered = make.thread(department=dept, body="什么时候恢复供水？")
    hidden_reply = reply_to_thread(staff, answered, "停水原因正在排查")
    hidden_reply.hidden_at = utcnow()
    future = make.post(author=staff, body="停水通知（定时）")
    future.state = PostState.SCHEDULED
    future.published_at = utcnow() + timedelta(days=1)
    reviewed = make.department(review=True)
    draft = create_post(make.staff(reviewed), body="停水通知（草稿）", category="work")
    db.session.commit()
    assert draft.state != PostState.PUBLISHED

    assert found("停水") == [("post", shown.id)]
    assert thread_on_withdrawn.id not in [i for _, i in found("几点")]


def test_filters_by_department_category_kind_and_state(make):
    roads = make.department(slug="roads")
    water = make.department(slug="water")
    road_staff = make.staff(roads)
    road_post = make.post(author=road_staff, body="道路维修公告", category="service")
    water_post = make.post(department=water, body="供水管道维修公告", category="work")
    complaint = make.thread(department=roads, kind="complaint", body="维修噪音太大")
    question = make.thread(department=water, kind="consultation", body="维修要多久")
    dismiss_thread(make.staff(water), question, "重复留言")
    db.session.commit()

    assert set(found("维修")) == {
        ("post", road_post.id), ("post", water_post.id), ("thread", complaint.id), ("thread", question.id),
    }
    assert set(found("维修", department="roads")) == {("post", road_post.id), ("thread", complaint.id)}
    assert found("维修", category="service") == [("post", road_post.id)]
    assert found("维修", kind="complaint") == [("thread", complaint.id)]
    assert found("维修", state="dismissed") == [("thread", question.id)]
    assert set(found("维修", type="threads")) == {("thread", complaint.id), ("thread", question.id)}
    assert set(found("维修", type="posts")) == {("post", road_post.id), ("post", water_post.id)}
    assert found("维修", category="service", kind="complaint") == []


def test_the_index_follows_the_writing_transaction(make, backend):
    staff = make.staff(make.department())
    post = create_post(staff, body="暴雨蓝色预警信号", category="emergency")
    assert found("蓝色预警") == [("post", post.id)]  # same transaction, not yet committed
    db.session.rollback()
    assert found("蓝色预警") == []

    kept = make.post(author=staff, body="暴雨蓝色预警信号")
    kept.body = "暴雨黄色预警信号"
    db.session.commit()
    assert found("蓝色预警") == []
    assert found("黄色预警") == [("post", kept.id)]

    if backend == "sqlite":
        entries = db.session.scalar(sa.text(f"SELECT count(*) FROM {ddl.FTS_TABLE}"))  # noqa: S608
        assert entries == 1


def test_install_search_rebuilds_what_changed_while_no_trigger_ran(make, backend):
    post = make.post(body="既有数据：老旧小区改造计划")
    if backend == "sqlite":
        # As after a batch migration on SQLite: the table was copied and lost its triggers.
        for table in ddl.KINDS:
            for suffix in ("ai", "au", "ad"):
                db.session.execute(sa.text(f"DROP TRIGGER {table}_search_{suffix}"))
        db.session.commit()
        post.body = "既有数据：老旧小区改造方案"
        db.session.commit()
        assert found("改造方案") == []  # the index is stale
    else:
        post.body = "既有数据：老旧小区改造方案"
        db.session.commit()
    ddl.install_search(db.session.connection())
    ddl.install_search(db.session.connection())  # idempotent
    db.session.commit()
    assert found("改造方案") == [("post", post.id)]
    assert found("改造计划") == []
    later = make.post(body="老旧小区加装电梯")  # the triggers are back
    assert [i for _, i in found("老旧小区")] == [later.id, post.id]


def test_search_page_filters_and_escapes(client, make):
    dept = make.department(slug="lights", name="城市照明管理处")
    post = make.post(department=dept, body="路灯<b>维修</b>完成")

    resp = client.get("/search", query_string={"q": "路灯", "department": "lights"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert f"/p/{post.id}" in html
    assert "&lt;b&gt;维修&lt;/b&gt;" in html
    assert "<b>维修</b>" not in html

    bad = client.get("/search", query_string={"q": "路灯", "kind": "nonsense"})
    assert bad.status_code == 422
    assert "未知的筛选条件" in bad.get_data(as_text=True)

    empty = client.get("/search")
    assert empty.status_code == 200
    assert "没有找到" not in empty.get_data(as_text=True)


def test_search_page_query_count_does_not_grow_with_results(client, make, count_queries):
    dept = make.department()
    staff = make.staff(dept)
    for i in range(2):
        thread = make.thread(department=dept, body=f"噪音扰民第{i}次")
        reply_to_thread(staff, thread, "已通知执法队")
        make.post(author=staff, body=f"整治噪音扰民行动{i}")
    db.session.commit()

    with count_queries() as few:
        assert client.get("/search?q=噪音").status_code == 200
    for i in range(8):
        make.thread(department=dept, body=f"噪音问题补充{i}")
        make.post(author=staff, body=f"噪音监测点{i}")
    with count_queries() as many:
        resp = client.get("/search?q=噪音")
    assert resp.status_code == 200
    assert resp.get_data(as_text=True).count('class="card thread') == 10
    assert many.count == few.count
    # departments for the filter, the page of ids, posts, their images, threads, their images,
    # and the site's settings (the name in the header, the owner in the footer)
    assert many.count == 7


def test_search_api(client, make, api_headers):
    dept = make.department(slug="health")
    post = make.post(department=dept, body="流感疫苗接种点公布")
    thread = make.thread(department=dept, kind="help", body="疫苗还有吗")

    resp = client.get("/api/v1/search", query_string={"q": "疫苗"})
    assert resp.status_code == 200
    data = resp.get_json()
    assert [(r["type"], (r.get("post") or r.get("thread"))["id"]) for r in data["results"]] == [
        ("thread", thread.id), ("post", post.id),
    ]
    assert data["results"][0]["thread"]["kind"] == "help"
    assert data["results"][1]["post"]["department"] == "health"
    assert data["next_cursor"] is None

    token = api_headers(make.user(Role.RESIDENT))
    assert client.get("/api/v1/search?q=疫苗&type=posts", headers=token).get_json()["results"][0]["type"] == "post"

    missing = client.get("/api/v1/search?q=%20")
    assert missing.status_code == 422
    assert missing.get_json()["error"]["code"] == "missing_query"
    unknown = client.get("/api/v1/search?q=疫苗&department=nowhere")
    assert unknown.status_code == 404
    assert client.get("/api/v1/search?q=疫苗&limit=0").status_code == 422


@pytest.mark.parametrize("q", ["路", "路灯", "路灯维修"])
def test_no_query_is_too_short_and_the_empty_query_finds_nothing(make, q):
    post = make.post(body="路灯维修")
    assert found(q) == [("post", post.id)]
    assert found("") == []


WORD_CHARS = list("路灯维修供水电气网民ABCxyz7%_\"'*^:()[]-+.,!?#$&~`\\/；，。！？“”")


@settings(max_examples=25, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.text(st.sampled_from(WORD_CHARS), min_size=1, max_size=8))
def test_any_word_written_in_a_post_is_found_again(make, word):
    """Quotes, FTS operators and LIKE wildcards in a word are plain characters on both databases."""
    post = make.post(body=f"开头{word}结尾")
    assert ("post", post.id) in found(word)
    assert ("post", post.id) in found(f"开头{word}")


def test_alembic_autogenerate_leaves_the_search_index_alone(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": ddl.alembic_include_name})
        diff = compare_metadata(context, db.metadata)
    touched = [str(op) for op in diff if "search_fts" in str(op) or "_body_trgm" in str(op)]
    assert touched == []


def test_result_count_covers_every_page_and_is_counted_with_the_page(client, make, count_queries):
    dept = make.department()
    staff = make.staff(dept)
    other = make.department()
    for i in range(3):
        make.post(author=staff, body=f"秸秆禁烧通知{i}")
        make.thread(department=dept, body=f"秸秆禁烧举报{i}")
    make.post(author=make.staff(other), body="与此无关的通知")
    hidden = make.thread(department=dept, body="秸秆禁烧私下反映")
    hidden.private = True  # the public cannot read it, so it is not counted either
    db.session.commit()

    first = search(SearchQuery(q="秸秆 禁烧"), limit=4)
    second = search(SearchQuery(q="秸秆 禁烧"), cursor=first.next_cursor, limit=4)
    assert (first.total, len(first.hits)) == (6, 4)
    assert (second.total, len(second.hits)) == (6, 2)
    assert search(SearchQuery(q="秸秆", type="threads")).total == 3
    assert search(SearchQuery(q="没有这个词")).total == 0

    with count_queries() as counted:
        resp = client.get("/search?q=秸秆")
    page = resp.get_data(as_text=True)
    assert "共找到 6 条结果" in page
    assert counted.count == 7  # as without the count: it rides on the page's own query
    assert "共找到 0 条结果" in client.get("/search?q=没有这个词").get_data(as_text=True)
