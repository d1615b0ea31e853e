"""Volume data for benchmarks: a county's year in bulk (``flask seed-volume``).

Unlike ``seed-demo`` (every row made through the services, a few hundred rows), this
writes rows straight into the tables with Core ``insert`` executemany, in batches, so
a million threads load in minutes on SQLite and on PostgreSQL alike. The rows are the
ones the services would write:

- about 60 departments in a tree (county, bureaus, townships, their offices), made by
  ``create_department`` so their paths are the real ones; one staff account per
  department, a supervisor over the county, an admin and a few hundred residents, all
  with the demo's published password (hashed once);
- posts published over the last ``days`` days (a few withdrawn, with their notice);
- threads opened over the same year, on a post published before them or on a
  department's board, with a skewed spread between departments (one backlogged
  department answers one thread in five);
- official replies at ``visible_at = created_at`` by the owning department's staff;
  some threads get an interim reply (阶段性答复) before the final one, some a resident's
  follow-up; ``first_response_at`` is the first official reply;
- states as time leaves them: answered, awaiting (overdue once past due), closed after
  the auto-close period, rated (with ``resolved``), a few dismissed.

Due times are exact, not approximated: ``due_at`` / ``first_due_at`` come from the
working-day calendar (``threads.operations.due_for``), computed once per (local day,
kind) and reused for every thread opened that day — a due time depends on nothing else.

The newest post of the first bureau gets ``HOT_POST_THREADS`` threads (a post page with
a long list), counted in the total.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from .core.clock import to_local, utcnow
from .core.extensions import db
from .core.settings import get_setting
from .core.text import mask_pii, render_html, render_public_html
from .departments.operations import create_department
from .metrics.upkeep import refresh as refresh_figures
from .models import Department, Post, PostState, Reply, Role, Thread, ThreadKind, ThreadState, User
from .threads.operations import due_for

PASSWORD = "demo-pass-2026"  # noqa: S105 - the published demo password, as seed-demo's
PREFIX = "vol_"
HOT_POST_THREADS = 60
BATCH = 10_000
ADMIN, SUPERVISOR, RESIDENT0 = f"{PREFIX}admin", f"{PREFIX}ducha", f"{PREFIX}resident0001"

BUREAUS = ["教育局", "交通运输局", "住房和城乡建设局", "卫生健康委员会", "市场监督管理局", "民政局",
           "人力资源和社会保障局", "自然资源局", "生态环境局", "农业农村局", "水利局", "应急管理局"]
TOWNS = ["城关镇", "河口乡", "东关镇", "西岭乡", "南坪镇", "北湖乡", "青石镇", "柳林乡"]
OFFICES = ["便民服务中心", "综合执法队", "社会事务办"]
POST_BODIES = ["{d}召开专题会议，部署第{n}项重点工作。", "便民提示：{d}办事大厅周六上午照常办公，可办理{n}项业务。",
               "{d}本周完成{n}件群众诉求办理，欢迎监督。", "【预警】未来{n}小时有大风降温，{d}提醒注意防范。",
               "{d}关于进一步优化营商环境的若干措施（第{n}号）公开征求意见。"]
THREAD_BODIES = {
    ThreadKind.CONSULTATION: ["请问孩子转学需要准备哪些材料？", "医保异地备案怎么操作？联系电话13800138000"],
    ThreadKind.COMPLAINT: ["小区门口路灯坏了一个多月了，晚上很不安全。", "装修噪音晚上十点后还在继续，多次反映无果。"],
    ThreadKind.SUGGESTION: ["建议在菜市场附近增加临时停车位。", "建议公园延长开放时间到晚上九点。"],
    ThreadKind.HELP: ["家里老人行动不便，能否上门办理社保认证？", "暴雨后家门口积水严重，请帮忙疏通排水沟。"],
    ThreadKind.COMMENT: ["点赞，效率很高！", "希望多发布这样的信息。"],
    ThreadKind.REPORT: ["举报某商户销售过期食品。"],
}
KIND_WEIGHTS = {ThreadKind.CONSULTATION: 35, ThreadKind.COMPLAINT: 25, ThreadKind.SUGGESTION: 12,
                ThreadKind.HELP: 15, ThreadKind.COMMENT: 11, ThreadKind.REPORT: 2}
FINAL_ANSWER = "您好，您反映的问题已处理完毕，如仍有疑问请继续留言。"
INTERIM_ANSWER = "您好，已收到，正在核实处理中，将尽快答复。"
FOLLOW_UP = "请问具体什么时候能处理好？"


class VolumeRefused(Exception):
    """The database holds accounts the volume seed did not make: seeding needs ``force``."""

    def __init__(self, usernames: list[str], total: int) -> None:
        super().__init__(usernames)
        self.usernames, self.total = usernames, total


def volume_present() -> bool:
    return db.session.scalar(sa.select(User.id).where(User.username == ADMIN)) is not None


def other_users(limit: int = 5) -> tuple[list[str], int]:
    """Real accounts: not made by this seed nor by ``seed-demo`` (whose accounts are demo ones too)."""
    from .demo import DEMO_USERNAMES

    clause = sa.and_(User.username.not_like(f"{PREFIX}%"), User.username.not_in(DEMO_USERNAMES))
    names = list(db.session.scalars(sa.select(User.username).where(clause).order_by(User.id).limit(limit)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(clause)) if names else 0
    return names, total


def seed_volume(posts: int = 20_000, threads: int = 100_000, departments: int = 60, days: int = 365,
                residents: int = 500, seed: int = 2026, *, force: bool = False, echo=None) -> dict | None:
    """Load the volume; ``None`` when it is already there. Commits per batch."""
    if not force:
        names, total = other_users()
        if names:
            raise VolumeRefused(names, total)
    if volume_present():
        return None
    say = echo or (lambda _msg: None)
    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    start = now - timedelta(days=days)
    depts = _departments(departments)
    say(f"{len(depts)} departments")
    staff, resident_ids = _users(depts, residents)
    db.session.commit()
    # Department traits: a share of the threads (skewed) and a mean answer time in hours.
    weights = [rng.paretovariate(1.5) for _ in depts]
    backlog = min(1, len(depts) - 1)  # the first bureau answers rarely: a long inbox
    weights[backlog] = sum(weights) / 18
    speed = [rng.choice((4, 8, 16, 24, 48, 72)) for _ in depts]
    answer_rate = [0.97] * len(depts)
    answer_rate[backlog] = 0.2
    post_times = _posts(rng, depts, staff, posts, start, now, say)
    n_threads = _threads(rng, depts, staff, resident_ids, post_times, threads, weights, speed, answer_rate,
                         start, now, say)
    _fix_sequences()
    db.session.commit()
    say("reply facts and daily counts of the threads (for the figures)")
    refresh_figures()
    db.session.commit()
    # Planner statistics for the new volume: without them SQLite does not know the listed-posts
    # index is the short way to the newest posts (PostgreSQL's autovacuum would get there later).
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return {"departments": len(depts), "posts": posts, "threads": n_threads,
            "backlog_department": depts[backlog].slug}


def _departments(n: int) -> list[Department]:
    root = create_department(f"{PREFIX.rstrip('_')}-county", "清河县人民政府（规模数据）", review_required=False)
    made = [root]
    parents = []
    for i, name in enumerate(BUREAUS + TOWNS):
        if len(made) >= n:
            break
        made.append(create_department(f"vol-{i:02d}", f"清河县{name}（规模数据）", root.slug, review_required=False))
        parents.append(made[-1])
    i = 0
    while len(made) < n:
        parent = parents[i % len(parents)]
        office = OFFICES[(i // len(parents)) % len(OFFICES)]
        made.append(create_department(f"vol-{i:02d}-sub", f"{parent.name.removesuffix('（规模数据）')}{office}{i}（规模数据）",
                                      parent.slug, review_required=False))
        i += 1
    return made


def _users(depts: list[Department], residents: int) -> tuple[list[int], list[int]]:
    hashed = generate_password_hash(PASSWORD)
    rows = [{"username": ADMIN, "display_name": "管理员", "role": Role.ADMIN},
            {"username": SUPERVISOR, "display_name": "督查室", "role": Role.SUPERVISOR,
             "supervised_department_id": depts[0].id}]
    rows += [{"username": f"{PREFIX}staff{i:02d}", "display_name": f"{d.name[:20]}工作人员", "role": Role.STAFF,
              "department_id": d.id} for i, d in enumerate(depts)]
    rows += [{"username": f"{PREFIX}resident{i:04d}", "display_name": f"居民{i:04d}", "role": Role.RESIDENT}
             for i in range(1, residents + 1)]
    base = {"email": None, "department_id": None, "supervised_department_id": None, "active": True,
            "created_at": utcnow(), "password_hash": hashed, "session_epoch": 0, "failed_logins": 0}
    _bulk(User, [{**base, **r} for r in rows])
    ids = dict(db.session.execute(sa.select(User.username, User.id).where(User.username.like(f"{PREFIX}%"))).all())
    staff = [ids[f"{PREFIX}staff{i:02d}"] for i in range(len(depts))]
    return staff, [ids[f"{PREFIX}resident{i:04d}"] for i in range(1, residents + 1)]


def _bulk(model, rows: list[dict]) -> None:
    """Core executemany on the table (the ORM's bulk path splits rows by which values are NULL)."""
    db.session.connection().execute(model.__table__.insert(), rows)


def _next_id(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _posts(rng, depts, staff, n, start, now, say) -> list[list[tuple[datetime, int]]]:
    """Insert ``n`` posts; per department, its (published_at, id) pairs sorted by time."""
    bodies = []
    for k in range(50):
        text = POST_BODIES[k % len(POST_BODIES)].format(d="本单位", n=k + 1)
        bodies.append((text, render_html(text)))
    span = (now - start).total_seconds()
    first = _next_id(Post)
    per_dept: list[list[tuple[datetime, int]]] = [[] for _ in depts]
    batch = []
    for i in range(n):
        d = rng.randrange(len(depts))
        published = start + timedelta(seconds=int(rng.random() * span))
        text, html = bodies[rng.randrange(len(bodies))]
        withdrawn = rng.random() < 0.01
        pid = first + i
        batch.append({
            "id": pid, "department_id": depts[d].id, "author_id": staff[d], "body": text, "body_html": html,
            "category": "work", "major": False,
            "state": PostState.WITHDRAWN if withdrawn else PostState.PUBLISHED,
            "created_at": published, "updated_at": published, "published_at": published,
            "withdrawn_at": published + timedelta(hours=2) if withdrawn else None,
            "withdraw_reason": "信息有误，已撤回。" if withdrawn else None, "fast_track": False,
        })
        if not withdrawn:
            per_dept[d].append((published, pid))
        if len(batch) >= BATCH:
            _bulk(Post, batch)
            db.session.commit()
            batch = []
    if batch:
        _bulk(Post, batch)
    db.session.commit()
    say(f"{n} posts")
    for lst in per_dept:
        lst.sort()
    return per_dept


def _due_table(kinds, start, now):
    """(local day, kind) -> due time, on the working-day calendar."""
    table = {}
    day = start
    while day <= now + timedelta(days=1):
        for kind in kinds:
            table[(to_local(day).date(), kind)] = due_for(kind, day)
        day += timedelta(days=1)
    return table


def _threads(rng, depts, staff, residents, post_times, n, weights, speed, answer_rate, start, now, say) -> int:
    kinds, kind_w = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    texts = {k: [(t, render_html(t), render_public_html(t), mask_pii(t)) for t in v] for k, v in THREAD_BODIES.items()}
    due = _due_table(kinds, start, now)
    close_after = timedelta(days=int(get_setting("AUTO_CLOSE_DAYS")))
    final_html, interim_html, follow_html = render_html(FINAL_ANSWER), render_html(INTERIM_ANSWER), render_html(FOLLOW_UP)
    span = (now - start).total_seconds()
    cum = []
    total_w = 0.0
    for w in weights:
        total_w += w
        cum.append(total_w)
    hot_dept = 1 if len(depts) > 1 else 0
    hot = post_times[hot_dept][-1] if post_times[hot_dept] else None
    tid, rid = _next_id(Thread), _next_id(Reply)
    threads_batch, replies_batch = [], []
    ratings = ["satisfied"] * 6 + ["basically_satisfied"] * 3 + ["unsatisfied"]

    def flush():
        if threads_batch:
            _bulk(Thread, threads_batch)
        if replies_batch:
            _bulk(Reply, replies_batch)
        db.session.commit()
        threads_batch.clear()
        replies_batch.clear()

    for i in range(n):
        if hot is not None and i < HOT_POST_THREADS:
            d, post_id = hot_dept, hot[1]
            opened = min(hot[0] + timedelta(minutes=7 * (i + 1)), now)
        else:
            d = bisect_right(cum, rng.random() * total_w)
            d = min(d, len(depts) - 1)
            opened = start + timedelta(seconds=int(rng.random() * span))
            post_id = None
            times = post_times[d]
            if times and rng.random() < 0.7:
                j = bisect_right(times, (opened, 1 << 62)) - 1 - int(rng.expovariate(1 / 3))
                if j >= 0:
                    post_id = times[j][1]
        kind = rng.choices(kinds, kind_w)[0]
        text, html, public_html, public = texts[kind][rng.randrange(len(texts[kind]))]
        due_at = due[(to_local(opened).date(), kind)]
        row = {
            "id": tid, "post_id": post_id, "department_id": depts[d].id, "author_id": rng.choice(residents),
            "kind": kind, "state": ThreadState.AWAITING, "body": text, "body_html": html,
            "body_html_public": public_html, "body_public": public, "opened_at": opened, "due_at": due_at,
            "first_due_at": due_at, "first_response_at": None, "last_activity_at": opened, "closed_at": None,
            "dismissed_at": None, "dismiss_reason": None, "state_before_dismissal": None, "rating": None,
            "rated_at": None, "resolved": None, "anonymous": rng.random() < 0.1,
            "private": kind == ThreadKind.REPORT or rng.random() < 0.05, "channel": "web",
        }
        roll = rng.random()
        if roll < 0.01:
            when = opened + timedelta(hours=2)
            if when <= now:
                row.update(state=ThreadState.DISMISSED, dismissed_at=when, dismiss_reason="与本部门职责无关。",
                           state_before_dismissal=ThreadState.AWAITING, last_activity_at=when)
        elif roll < answer_rate[d]:
            answered = opened + timedelta(seconds=int(rng.expovariate(1 / speed[d]) * 3600) + 60)
            if answered <= now:
                first = answered
                if rng.random() < 0.15:  # an interim reply first, the answer later
                    interim = opened + (answered - opened) / 3
                    first = interim
                    replies_batch.append(_reply(rid, tid, staff[d], depts[d].id, True, False, INTERIM_ANSWER,
                                                interim_html, interim))
                    rid += 1
                replies_batch.append(_reply(rid, tid, staff[d], depts[d].id, True, True, FINAL_ANSWER,
                                            final_html, answered))
                rid += 1
                row.update(state=ThreadState.ANSWERED, first_response_at=first, last_activity_at=answered)
                if rng.random() < 0.1:
                    follow = answered + timedelta(hours=rng.randint(1, 48))
                    if follow <= now:
                        replies_batch.append(_reply(rid, tid, row["author_id"], None, False, True, FOLLOW_UP,
                                                    follow_html, follow))
                        rid += 1
                        row["last_activity_at"] = follow
                if rng.random() < 0.4:
                    rated = answered + timedelta(hours=rng.randint(1, 96))
                    if rated <= now:
                        row.update(rating=rng.choice(ratings), rated_at=rated, resolved=rng.random() < 0.8)
                closes = row["last_activity_at"] + close_after
                if closes <= now:
                    row.update(state=ThreadState.CLOSED, closed_at=closes)
        threads_batch.append(row)
        tid += 1
        if len(threads_batch) >= BATCH:
            flush()
            if (i + 1) % 100_000 == 0:
                say(f"{i + 1} threads")
    flush()
    say(f"{n} threads")
    return n


def _reply(rid, tid, author, dept_id, official, final, body, html, when) -> dict:
    return {"id": rid, "thread_id": tid, "author_id": author, "department_id": dept_id, "official": official,
            "body": body, "body_html": html, "created_at": when, "final": final, "visible_at": when,
            "body_html_public": html, "body_public": body}


def _fix_sequences() -> None:
    """Rows were given their ids: move PostgreSQL's sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("posts", "threads", "replies"):
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # noqa: S608 - constant table names
        ))
