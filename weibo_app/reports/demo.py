"""Demo information requests and last year's published annual report, made through the real
services at past moments (``clock.at``) so the queue, the dashboard and the report are true."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from ..core.clock import at, local_today, site_tz
from ..core.extensions import db
from ..disclosure import operations as ops
from ..models import Department, InfoRequest, User
from .operations import publish_report, save_report

ANSWERS = {
    "public": "您申请的信息已在本机关网站“政府信息公开”栏目公开，可按索引号查阅。",
    "partial": "经审查，所申请信息中涉及个人隐私的部分不予公开，其余部分予以公开，见附件。",
    "unavailable_not_held": "经检索，本机关未制作或获取您所申请的信息。",
}


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=site_tz()).astimezone(UTC)


def _file(who: User, dept: Department, day: date, text: str, kind: str = "person", **extra) -> InfoRequest:
    with at(_moment(day)):
        return ops.file_request(who, dept, applicant_type=kind, name=who.shown_name, phone="13800000000",
                                description=text, delivery="email", **extra)


def _answer(staff: User, req: InfoRequest, day: date, outcome: str) -> None:
    with at(_moment(day, 15)):
        ops.answer_request(staff, req, outcome, ANSWERS.get(outcome, "依法作出答复。"))


def seed_requests(depts: dict[str, Department], staff: dict[str, User], residents: list[User]) -> None:
    """A handful of requests in every state, one answered late, and last year's report, published."""
    supervisor = _user("ducha")
    today = local_today()
    jiaoyu, clerk = depts["jiaoyu"], staff["jiaoyu"]
    r1 = _file(residents[0], jiaoyu, today - timedelta(days=50), "请公开本县2026年义务教育阶段学校划片范围。")
    _answer(clerk, r1, today - timedelta(days=30), "public")
    r2 = _file(residents[1], jiaoyu, today - timedelta(days=60), "请公开县一中食堂承包合同。", "enterprise")
    _answer(clerk, r2, r2.due_on + timedelta(days=3), "partial")  # answered late
    with at(_moment(r2.answered_on + timedelta(days=5))):
        appeal = ops.record_appeal(clerk, r2, "review", r2.answered_on + timedelta(days=3))
    with at(_moment(r2.answered_on + timedelta(days=15))):
        ops.set_appeal_result(clerk, appeal, "upheld")
    _file(residents[2], jiaoyu, today - timedelta(days=9), "请公开2026年教师招聘面试成绩。")
    _file(clerk, jiaoyu, today - timedelta(days=4), "请公开校车运营补贴发放明细。", "nonprofit",
          channel="walk_in", received_on=today - timedelta(days=4))
    r7 = _file(residents[5], jiaoyu, today - timedelta(days=20), "请公开某民办学校办学许可审批材料。", "legal_service")
    with at(_moment(today - timedelta(days=15))):
        ops.consult_third_party(clerk, r7, "某民办学校")
    r5 = _file(residents[3], depts["jiaotong"], today - timedelta(days=6), "请公开那条路的改造资料。")
    with at(_moment(today - timedelta(days=5))):
        ops.ask_correction(staff["jiaotong"], r5, "请写明道路名称和路段。")
    _file(residents[4], depts["zhujian"], today - timedelta(days=40), "请公开老旧小区改造项目清单。", "research")
    r8 = _file(residents[6], depts["weijian"], today - timedelta(days=40), "请公开县医院药品采购目录。")
    with at(_moment(today - timedelta(days=15))):
        ops.extend_request(supervisor, r8, "涉及资料较多，需要整理。")
    _answer(staff["weijian"], r8, today - timedelta(days=2), "partial")
    _last_year(jiaoyu, clerk, supervisor, residents)


def _user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _last_year(jiaoyu: Department, clerk: User, supervisor: User, residents: list[User]) -> None:
    today = local_today()
    year = today.year - 1
    for month, kind, outcome in ((3, "person", "public"), (6, "enterprise", "unavailable_not_held"),
                                 (9, "person", "partial")):
        req = _file(residents[7 + month % 5], jiaoyu, date(year, month, 10), f"{year}年{month}月的申请。", kind)
        _answer(clerk, req, date(year, month, 25), outcome)
    late = _file(residents[12], jiaoyu, date(year, 12, 24), "请公开寒假托管服务收费标准。")  # carried forward
    _answer(clerk, late, min(max(late.due_on - timedelta(days=2), date(year + 1, 1, 2)), today), "public")
    with at(_moment(min(date(year + 1, 1, 20), today))):
        save_report(clerk, jiaoyu, year, overview=f"{year}年，本局坚持以公开为常态，依托政务微博发布工作动态和便民信息，"
                    "依法办理政府信息公开申请。", problems="个别申请答复时间偏长。下一步将完善办理台账，逐件跟踪期限。",
                    other_matters="本年度未收取信息处理费。",
                    proactive={"normative_documents": {"made": 2, "repealed": 1, "in_force": 9},
                               "licensing": {"decisions": 14}, "penalties": {"decisions": 1}})
    with at(_moment(min(date(year + 1, 1, 25), today), 16)):
        publish_report(supervisor, jiaoyu, year)
