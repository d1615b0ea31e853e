"""Demo data: a county with bureaus and townships, their staff, residents, and
60 days of posts, questions and answers, all made through the real services
(at past moments, with ``clock.at``) so every figure is a true one.
"""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from .auth.operations import create_user
from .core.clock import at, to_local, utcnow
from .core.extensions import db
from .core.settings import set_setting
from .departments.operations import create_department
from .models import Follow, Like, PostState, PostViewDaily, Rating, Role, ThreadKind, User
from .posts.lifecycle import approve_post, create_post, publish_post
from .social.operations import repost_post
from .threads import operations as threads

PASSWORD = "demo-pass-2026"  # noqa: S105 - the demo's published password
REPOST_COMMENTS = ["", "转发周知。", "扩散！", "支持，希望尽快落实。"]
DEMO_LOGINS = [
    ("admin", "admin", PASSWORD),
    ("supervisor", "ducha", PASSWORD),
    ("dept_head", "jiaoyu_head", PASSWORD),
    ("reviewer", "jiaoyu_review", PASSWORD),
    ("staff", "jiaoyu_staff", PASSWORD),
    ("resident", "resident01", PASSWORD),
]

# slug, name, parent, how quickly its staff answer (mean hours; None = rarely)
DEPARTMENTS = [
    ("county", "清河县人民政府", None, 20),
    ("jiaoyu", "清河县教育局", "county", 10),
    ("jiaotong", "清河县交通运输局", "county", 30),
    ("zhujian", "清河县住房和城乡建设局", "county", 60),
    ("weijian", "清河县卫生健康委员会", "county", 16),
    ("shichang", "清河县市场监督管理局", "county", 40),
    ("chengguan-town", "城关镇人民政府", "county", 24),
    ("hekou-township", "河口乡人民政府", "county", None),
]

POSTS = {
    "work": ["{d}召开专题会议，部署今冬明春重点工作。", "{d}开展“我为群众办实事”实践活动，已走访群众{n}户。",
             "{d}本周完成{n}件群众诉求办理，欢迎监督。"],
    "service": ["便民提示：{d}办事大厅周六上午照常办公，可办理{n}项业务。", "#便民服务# {d}线上预约通道已开通，详见 www.qinghe.gov.cn/ban",
                "{d}提醒：办理相关业务请携带身份证原件。"],
    "policy": ["《清河县{y}年惠民政策汇编》发布，{d}负责解读。", "{d}关于进一步优化营商环境的若干措施（第{n}号）公开征求意见。"],
    "emergency": ["【预警】受寒潮影响，未来{n}小时有大风降温，{d}提醒注意防范。", "{d}启动应急响应，{n}支队伍已到位。"],
    "rumor": ["#辟谣# 网传“{d}停止办理业务”不实，业务正常办理。"],
    "plans": ["{d}{y}年度重点项目计划公示。"],
    "finance": ["{d}{y}年部门预算已公开，欢迎查阅。"],
    "personnel": ["{d}{y}年公开招聘工作人员公告。"],
    "org_info": ["{d}内设机构及职能调整公告。"],
}

THREADS = {
    ThreadKind.CONSULTATION: ["请问孩子转学需要准备哪些材料？", "新办的业务在哪个窗口办理？周末能办吗？",
                              "医保异地备案怎么操作？", "公积金提取需要多长时间到账？"],
    ThreadKind.COMPLAINT: ["小区门口路灯坏了一个多月了，晚上很不安全，一直没人修。", "学校周边早高峰占道经营严重，孩子过马路很危险。",
                           "装修噪音晚上十点后还在继续，多次反映无果。", "公交3路经常晚点四十分钟以上。"],
    ThreadKind.SUGGESTION: ["建议在菜市场附近增加临时停车位。", "建议办事大厅增加一个老年人专用窗口。",
                            "建议公园延长开放时间到晚上九点。"],
    ThreadKind.HELP: ["家里老人行动不便，能否上门办理社保认证？", "暴雨后家门口积水严重，请帮忙疏通排水沟。",
                      "低保申请材料被退回，不知道缺什么，求指导。"],
    ThreadKind.COMMENT: ["点赞，效率很高！", "辛苦了！", "希望多发布这样的信息。", "支持！"],
}

ANSWERS = ["您好，您反映的问题已收到，我们已安排工作人员现场核实，将于三个工作日内处理完毕。",
           "您好，所需材料为：身份证、户口簿及相关证明，可在政务服务大厅3号窗口办理。",
           "感谢您的建议，我们已转相关科室研究，后续将通过本平台公开办理结果。",
           "您好，问题已处理完毕，如仍有疑问请继续留言。"]
DORMANT, DORMANT_SILENT_DAYS = "hekou-township", 21
FOLLOW_UPS = ["请问具体什么时候能处理好？", "还是没有人来，麻烦再催一下。", "材料都带齐了还是不行，怎么办？"]
RESIDENTS = 36


def _staff_username(slug: str) -> str:
    return f"{slug.split('-')[0]}_staff"


def _resident_username(i: int) -> str:
    return f"resident{i:02d}"


#: Every account the demo makes: anyone else is a real user of this database.
DEMO_USERNAMES = frozenset(
    [_staff_username(slug) for slug, *_rest in DEPARTMENTS]
    + ["jiaoyu_review", "jiaoyu_head", "ducha", "admin"]
    + [_resident_username(i) for i in range(1, RESIDENTS + 1)]
)


class DemoRefused(Exception):
    """The database holds accounts the demo did not make: loading it there needs ``force``."""

    def __init__(self, usernames: list[str], total: int) -> None:
        super().__init__(f"{total} users not from the demo")
        self.usernames = usernames  # a few, for the message
        self.total = total


def demo_present() -> bool:
    """The demo's own accounts are all there (a real site may well have a "county" department)."""
    logins = {username for _role, username, _password in DEMO_LOGINS}
    found = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.username.in_(logins)))
    return found == len(logins)


def other_users(limit: int = 5) -> tuple[list[str], int]:
    """Accounts the demo did not make: (a few usernames, how many there are)."""
    clause = User.username.not_in(DEMO_USERNAMES)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(clause))
    names = list(db.session.scalars(sa.select(User.username).where(clause).order_by(User.id).limit(limit)))
    return names, total


def seed_demo(days: int = 60, seed: int = 2026, *, force: bool = False) -> bool:
    """Load the demo once; returns False when it is already there.

    The demo publishes its password and fills the site with invented posts, so
    it is meant for an empty database: where there are users it did not make,
    it raises ``DemoRefused`` unless ``force`` is given.
    """
    if demo_present():
        return False
    if not force:
        names, total = other_users()
        if total:
            raise DemoRefused(names, total)
    rng = random.Random(seed)
    now = utcnow()
    start = now - timedelta(days=days)
    depts, staff, speed = {}, {}, {}
    with at(start - timedelta(days=1)):
        for slug, name, parent, hours in DEPARTMENTS:
            depts[slug] = create_department(slug, name, parent, review_required=slug != "county")
            speed[slug] = hours
        for slug in depts:
            staff[slug] = create_user(_staff_username(slug), PASSWORD, Role.STAFF, slug,
                                      display_name=f"{depts[slug].name}工作人员")
        reviewer = create_user("jiaoyu_review", PASSWORD, Role.REVIEWER, "jiaoyu", display_name="教育局分管领导")
        create_user("jiaoyu_head", PASSWORD, Role.DEPT_HEAD, "jiaoyu", display_name="教育局局长")
        ducha = create_user("ducha", PASSWORD, Role.SUPERVISOR, "county", display_name="县政务公开办")
        create_user("admin", PASSWORD, Role.ADMIN, display_name="系统管理员")
        residents = [create_user(_resident_username(i), PASSWORD, display_name=f"居民{i:02d}")
                     for i in range(1, RESIDENTS + 1)]

    for resident in residents:
        for slug in rng.sample(list(depts), 3):
            db.session.add(Follow(user_id=resident.id, department_id=depts[slug].id,
                                  created_at=start + timedelta(days=rng.randint(0, days))))

    events = _timeline(rng, start, now, days, depts)
    for moment, slug, category, template in events:
        with at(moment):
            text = template.format(d=depts[slug].name, n=rng.randint(2, 30), y=moment.year)
            post = create_post(staff[slug], body=text, category=category, major=rng.random() < 0.05)
            if post.state != PostState.PUBLISHED:
                publish_post(staff[slug], post)
        for resident in rng.sample(residents, rng.randint(0, 4)):
            db.session.add(Like(user_id=resident.id, post_id=post.id,
                                created_at=moment + timedelta(hours=rng.randint(1, 48))))
        reposted = moment + timedelta(hours=rng.randint(1, 24))
        if reposted < now and rng.random() < 0.3:
            with at(reposted):
                repost_post(rng.choice(residents), post, rng.choice(REPOST_COMMENTS))
        # Views as the batch writer stores them: per post and local day.
        db.session.add(PostViewDaily(post_id=post.id, day=to_local(moment).date(), views=rng.randint(20, 400)))
        for _ in range(rng.choices([0, 1, 2, 3], [4, 3, 2, 1])[0]):
            _converse(rng, post, depts[slug], staff[slug], residents, moment, now, speed[slug])

    for _ in range(40):  # questions put straight to a department's message board
        slug = rng.choice(list(depts))
        opened = start + timedelta(minutes=rng.randint(0, days * 24 * 60))
        _converse(rng, None, depts[slug], staff[slug], residents, opened, now, speed[slug])
    _review_queue(staff["jiaoyu"], reviewer, now)
    _site_identity()
    from .reports.demo import seed_requests

    seed_requests(depts, staff, residents)
    db.session.flush()
    _closed_loop(rng, depts, staff, ducha, now)
    db.session.flush()
    return True


#: The demo county's header and footer, as an admin would enter them at /admin/site.
SITE = {
    "SITE_NAME": "清河县政务微博",
    "SITE_OWNER": "清河县人民政府办公室",
    "SITE_OPERATOR": "清河县政务公开办公室",
    "SITE_ICP": "冀ICP备00000000号（演示）",
    "SITE_CONTACT": "0319-0000000（工作日 8:30–17:30）",
}


def _site_identity() -> None:
    for name, value in SITE.items():
        set_setting(name, value)
def _threads(state: str, limit: int, skip: int = 0) -> list:
    """The newest threads in ``state``."""
    from .models import Thread

    return list(db.session.scalars(
        sa.select(Thread).where(Thread.state == state)
        .order_by(Thread.opened_at.desc(), Thread.id.desc()).offset(skip).limit(limit)
    ))


def _closed_loop(rng: random.Random, depts: dict, staff: dict, ducha: User, now) -> None:
    """The loop at work: signed-for and interim-answered threads, extensions (approved, one
    rejected, one waiting), transfers waiting for the dispatcher, urged threads, one answer sent
    back for rework, and return visits (one unsatisfied, which reopens its thread)."""
    from .threads import loop, routing

    def clerk(thread) -> User:
        return staff[next(slug for slug, d in depts.items() if d.id == thread.department_id)]

    awaiting = _threads("awaiting", 14)
    for thread in awaiting[:4]:
        with at(now - timedelta(hours=30)):
            loop.accept_thread(clerk(thread), thread)
            threads.reply_to_thread(clerk(thread), thread, "您好，您反映的问题已收到，正在协调相关单位办理，请耐心等待。",
                                    final=False)
    for i, thread in enumerate(awaiting[4:7]):
        until = to_local(thread.due_at).date() + timedelta(days=3)
        with at(now - timedelta(hours=26)):
            ext = routing.request_extension(clerk(thread), thread, until, "需会同相关部门现场勘查，申请延期。")
        if i < 2:
            with at(now - timedelta(hours=20)):
                if i == 0:
                    routing.approve_extension(ducha, ext, "同意延期，请按期办结。")
                else:
                    routing.reject_extension(ducha, ext, "事项简单，请在原时限内办结。")
    targets = [d for slug, d in depts.items() if slug != "county"]
    for thread in awaiting[7:10]:
        target = rng.choice([d for d in targets if d.id != thread.department_id])
        with at(now - timedelta(hours=6)):
            routing.request_transfer(clerk(thread), thread, target, f"该事项属{target.name}职责，申请转办。")
    for thread in awaiting[10:14]:
        with at(now - timedelta(hours=4)):
            loop.urge_thread(ducha, thread, "请加快办理，按期答复群众。")
    answered = _threads("answered", 1) + _threads("closed", 4)
    if answered:
        with at(now - timedelta(hours=28)):
            loop.rework_thread(ducha, answered[0], "答复未针对群众反映的具体问题，请重新办理。")
    visits = [(True, Rating.SATISFIED, "phone"), (True, Rating.BASICALLY_SATISFIED, "sms"),
              (False, Rating.UNSATISFIED, "visit")]
    for thread, (solved, rating, channel) in zip(answered[1:], visits, strict=False):
        with at(now - timedelta(hours=10)):
            loop.record_visit(ducha, thread, resolved=solved, rating=rating, channel=channel,
                              note="电话回访群众，记录办理评价。" if channel == "phone" else None)


def _review_queue(clerk: User, reviewer: User, now) -> None:
    """Work in progress at 教育局, so /review is not empty: drafts, pending, awaiting the head."""
    with at(now - timedelta(hours=3)):
        create_post(clerk, body="关于2027年春季学期开学时间的通知（草稿）", category="policy", submit=False)
        create_post(clerk, body="教育局寒假安全提示：请家长关注学生出行安全。", category="service", submit=True)
        major = create_post(clerk, body="清河县中小学布局调整方案公开征求意见。", category="plans",
                            major=True, submit=True)
    with at(now - timedelta(hours=1)):
        approve_post(reviewer, major, secrecy_checked=True)  # now waits for the head's final approval


def _timeline(rng: random.Random, start, now, days: int, depts: dict) -> list:
    events = []
    for day in range(days):
        for _ in range(rng.randint(3, 7)):
            moment = start + timedelta(days=day, hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
            if moment >= now:
                continue
            category = rng.choices(list(POSTS), [30, 20, 10, 5, 3, 3, 2, 2, 2])[0]
            slug = rng.choice(list(depts))
            if slug == DORMANT and moment > now - timedelta(days=DORMANT_SILENT_DAYS):
                continue  # 河口乡 stopped posting: the dashboard flags it dormant (僵尸号)
            events.append((moment, slug, category, rng.choice(POSTS[category])))
    events.sort()
    return events


def _converse(rng, post, dept, clerk: User, residents: list[User], after, now, mean_hours) -> None:
    """One resident's thread and what happens to it: answered, followed up, rated, dismissed, or left waiting."""
    opened = after + timedelta(hours=rng.uniform(0.2, 30))
    if opened >= now:
        return
    kind = rng.choices(list(THREADS), [30, 20, 15, 15, 20])[0]
    author = rng.choice(residents)
    with at(opened):
        thread = threads.open_thread(author, body=rng.choice(THREADS[kind]), kind=kind,
                                     post=post, department=None if post else dept)
    if kind == ThreadKind.COMMENT and rng.random() < 0.3:
        with at(opened + timedelta(hours=2)):
            threads.dismiss_thread(clerk, thread, "感谢留言，无需回复")
        return
    if mean_hours is None or rng.random() < 0.08:
        return  # left waiting: these become the overdue ones
    answered = opened + timedelta(hours=rng.expovariate(1 / mean_hours))
    if answered >= now:
        return
    with at(answered):
        threads.reply_to_thread(clerk, thread, rng.choice(ANSWERS))
    roll = rng.random()
    later = answered + timedelta(hours=rng.uniform(1, 48))
    if later >= now:
        return
    with at(later):
        if roll < 0.35:
            threads.rate_thread(author, thread, rng.choice([Rating.SATISFIED, Rating.BASICALLY_SATISFIED]))
        elif roll < 0.45:
            threads.rate_thread(author, thread, Rating.UNSATISFIED)
        elif roll < 0.6:
            threads.reply_to_thread(author, thread, rng.choice(FOLLOW_UPS))
            again = later + timedelta(hours=rng.expovariate(1 / mean_hours))
            if again < now and rng.random() < 0.7:
                with at(again):
                    threads.reply_to_thread(clerk, thread, rng.choice(ANSWERS))
