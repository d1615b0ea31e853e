"""``make bench``: every page rendered fresh, as a share of the floor and of the ceiling.

Three servers run side by side under ``gunicorn -w 2`` (sync workers) on loopback:
the ceiling and the floor (bench/anchors.py) and the app on a seeded volume database
(20,000 posts, 100,000 threads; seeded once into instance/bench/, reused after) with the
page cache off. ``wrk -t2 -c16`` runs over each page in 3 alternating rounds
(ceiling, then floor and page in turn), and the figures are medians over the rounds:

- share of the floor = the page's requests/s over the floor's measured just before it;
- share of the ceiling likewise against the round's ceiling;
- p50/p99 latency, non-2xx count (must be 0 for a valid result) and page size.

Logged-in pages get a session cookie signed with the app's key and the User-Agent it was
made for (session protection is "strong": the session is tied to address and agent).

    .venv/bin/python -m bench.run [--duration 10] [--rounds 3] [--only timeline,api]
"""

# ruff: noqa: S603 - runs this project's own servers and wrk with fixed arguments, on loopback
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "instance" / "bench"
UA = "weibo-bench/1.0"
SECRET = "bench-secret-key-not-for-production"  # noqa: S105 - loopback benchmark only
PORTS = {"ceiling": 8701, "floor": 8702, "app": 8703}
POSTS, THREADS = 20_000, 100_000


def python() -> str:
    return sys.executable


def env_for(db_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": SECRET, "FLASK_APP": "weibo_app",
            "WEIBO_PAGE_CACHE_SECONDS": "0", "WEIBO_RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT)}


def seed(db_url: str, posts: int = POSTS, threads: int = THREADS, marker: Path | None = None) -> None:
    """Schema by the migrations, then ``flask seed-volume`` (skipped when ``marker`` exists)."""
    if marker is not None and marker.exists():
        return
    flask = [python(), "-m", "flask"]
    env = env_for(db_url)
    start = time.perf_counter()
    subprocess.run([*flask, "init-db"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "seed-volume", "--posts", str(posts), "--threads", str(threads)],
                   env=env, cwd=ROOT, check=True)
    print(f"seeded {posts:,} posts and {threads:,} threads in {time.perf_counter() - start:.0f} s", flush=True)
    if marker is not None:
        marker.touch()


def logins(db_url: str) -> dict:
    """Cookies and a token for the bench's accounts, and the paths of the measured pages."""
    os.environ.update({k: v for k, v in env_for(db_url).items() if k != "PYTHONPATH"})
    import sqlalchemy as sa
    from flask_login.utils import _create_identifier

    from weibo_app import create_app
    from weibo_app.auth.tokens import issue_token
    from weibo_app.core.extensions import db
    from weibo_app.models import Post, Thread, User

    app = create_app()
    with app.app_context():
        serializer = app.session_interface.get_signing_serializer(app)
        name = app.config["SESSION_COOKIE_NAME"]
        with app.test_request_context("/", headers={"User-Agent": UA}, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
            ident = _create_identifier()

        def cookie(username: str) -> str:
            user = db.session.scalar(sa.select(User).where(User.username == username))
            return f"{name}={serializer.dumps({'_user_id': user.get_id(), '_fresh': True, '_id': ident})}"

        # The inbox with 50 rows: the department whose awaiting count is nearest 50 (at least 50).
        awaiting = sa.func.count(Thread.id)
        dept_id = db.session.execute(
            sa.select(Thread.department_id).where(Thread.state == "awaiting").group_by(Thread.department_id)
            .having(awaiting >= 50).order_by(awaiting).limit(1)
        ).scalar()
        clerk = db.session.scalar(sa.select(User.username).where(User.department_id == dept_id, User.role == "staff"))
        # The post page with 50 threads: the post whose thread count is nearest 50 (at least 50).
        n = sa.func.count(Thread.id)
        post_id, post_threads = db.session.execute(
            sa.select(Thread.post_id, n).where(Thread.post_id.is_not(None)).group_by(Thread.post_id)
            .having(n >= 50).order_by(n, Thread.post_id).limit(1)).one()
        dept_slug = db.session.scalar(sa.select(Post.department_id).where(Post.id == post_id))
        from weibo_app.models import Department
        dept_slug = db.session.scalar(sa.select(Department.slug).where(Department.id == dept_slug))
        token = issue_token(db.session.scalar(sa.select(User).where(User.username == "vol_admin")))
        db.session.commit()
        return {
            "resident": cookie("vol_resident0001"), "staff": cookie(clerk), "supervisor": cookie("vol_ducha"),
            "token": token, "clerk": clerk, "post": post_id, "post_threads": post_threads, "dept": dept_slug,
        }


def pages(info: dict) -> list[tuple[str, str, list[str]]]:
    """(label, path, extra headers) of each measured page."""
    def c(who):
        return [f"Cookie: {info[who]}"]
    return [
        ("timeline", "/", []),
        ("GET /api/v1/posts", "/api/v1/posts", [f"Authorization: Bearer {info['token']}"]),
        ("department page", f"/d/{info['dept']}", []),
        ("home, resident", "/", c("resident")),
        (f"post page, {info['post_threads']} threads", f"/p/{info['post']}", []),
        ("/inbox, staff", "/inbox", c("staff")),
        ("/scoreboard", "/scoreboard", []),
        ("/dashboard, supervisor", "/dashboard", c("supervisor")),
    ]


def start_server(target: str, port: int, env: dict) -> subprocess.Popen:
    cmd = [python(), "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
           "--timeout", "120", target]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)  # noqa: S310 - loopback
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"{target} did not start on port {port}")


def drain(port: int) -> None:
    """Wait until the app has finished the requests wrk left queued when it stopped (sync
    workers finish them all), so they do not eat into the next page's run."""
    deadline = time.time() + 300
    while time.time() < deadline:
        start = time.perf_counter()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/site.css", timeout=60)  # noqa: S310
        except OSError:
            pass
        if time.perf_counter() - start < 0.2:
            return


def fetch_size(port: int, path: str, headers: list[str]) -> tuple[int, int]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}",  # noqa: S310 - loopback
                                 headers={"User-Agent": UA, **dict(h.split(": ", 1) for h in headers)})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310 - loopback
            return resp.status, len(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, 0


def unit(value: str) -> float:
    """wrk's '1.23ms' / '456.00us' / '2.01s' -> milliseconds."""
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    num, u = float(m.group(1)), m.group(2)
    return num * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u]


def wrk(port: int, path: str, headers: list[str], duration: int) -> dict:
    cmd = ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", "--timeout", "60s", "-H", f"User-Agent: {UA}"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run([*cmd, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    found = [re.search(rf"^\s+{q}%\s+(\S+)", out, re.M) for q in (50, 99)]
    p50, p99 = (unit(m.group(1)) if m else float("nan") for m in found)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*timeout (\d+)", out)
    done = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": p50, "p99": p99, "done": done, "non2xx": int(bad.group(1)) if bad else 0,
            "timeouts": int(errors.group(1)) if errors else 0}


def rss_mb(master: subprocess.Popen) -> list[float]:
    """Resident memory of the gunicorn master's workers, in MB."""
    out = []
    for pid in Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split():
        status = Path(f"/proc/{pid}/status").read_text()
        out.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated words; measure the pages whose label has one")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: sudo apt-get install -y wrk (make bench does it)")
    WORK.mkdir(parents=True, exist_ok=True)
    db_path = WORK / "volume.sqlite3"
    db_url = f"sqlite:///{db_path}"
    seed(db_url, marker=WORK / "volume.seeded")
    os.environ["BENCH_FLOOR_DB"] = str(WORK / "floor.sqlite3")
    from bench.anchors import floor
    floor()  # create and fill the floor's table once, before two workers race to
    info = logins(db_url)
    env = env_for(db_url)
    servers = {name: start_server(target, PORTS[name], env) for name, target in
               (("ceiling", "bench.anchors:ceiling"), ("floor", "bench.anchors:floor()"),
                ("app", "weibo_app.wsgi:app"))}
    try:
        measured = pages(info)
        if args.only:
            words = args.only.split(",")
            measured = [p for p in measured if any(w in p[0] for w in words)]
        sizes, durations = {}, {}
        for label, path, headers in measured:
            fetch_size(PORTS["app"], path, headers)  # warm
            start = time.perf_counter()
            status, size = fetch_size(PORTS["app"], path, headers)
            took = time.perf_counter() - start
            if status != 200:
                raise SystemExit(f"{label} ({path}) answers {status}: the run would not be valid")
            sizes[label] = size
            # Long enough for each of the 16 connections to finish a few requests on 2 workers.
            durations[label] = max(args.duration, min(120, int(took * 8 * 3) + 1))
        results = {label: [] for label, *_ in measured}
        ceilings, floors = [], []
        for r in range(args.rounds):
            ceil = wrk(PORTS["ceiling"], "/", [], args.duration)["rps"]
            ceilings.append(ceil)
            for label, path, headers in measured:
                fl = wrk(PORTS["floor"], "/", [], args.duration)["rps"]
                floors.append(fl)
                res = wrk(PORTS["app"], path, headers, durations[label])
                drain(PORTS["app"])
                res.update(floor=res["rps"] / fl, ceiling=res["rps"] / ceil)
                results[label].append(res)
                print(f"round {r + 1}: {label:<28} {res['rps']:8.1f} rps (floor {fl:.0f}, ceiling {ceil:.0f})",
                      flush=True)
        report(results, sizes, ceilings, floors, servers, args)
    finally:
        for proc in servers.values():
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def report(results, sizes, ceilings, floors, servers, args) -> None:
    med = statistics.median
    print()
    print(f"wrk -t2 -c16 -d{args.duration}s (slow pages longer), {args.rounds} rounds; gunicorn -w 2 (sync); "
          f"{POSTS:,} posts, {THREADS:,} threads; page cache off")
    print(f"ceiling (1 KB string): {med(ceilings):,.0f} rps   floor (20 newest of 20,000, Jinja): "
          f"{med(floors):,.0f} rps   floor/ceiling {med(floors) / med(ceilings):.3f}")
    print("| page | rps | share of the floor | share of the ceiling | p50 ms | p99 ms | non-2xx + timeouts | KB |")
    print("|---|---|---|---|---|---|---|---|")
    valid = True
    for label, runs in results.items():
        non2xx = sum(r["non2xx"] + r["timeouts"] for r in runs)
        valid &= non2xx == 0 and all(r["done"] for r in runs)
        print(f"| {label} | {med(r['rps'] for r in runs):.1f} | {med(r['floor'] for r in runs):.3f} | "
              f"{med(r['ceiling'] for r in runs):.4f} | {med(r['p50'] for r in runs):.0f} | "
              f"{med(r['p99'] for r in runs):.0f} | {non2xx} | {sizes[label] / 1024:.1f} |")
    rss = rss_mb(servers["app"])
    print(f"app workers' resident memory after the run: {', '.join(f'{m:.0f} MB' for m in rss)}")
    print("valid run (no non-2xx, no timeouts)" if valid else "NOT VALID: some requests failed (non-2xx) or none finished in time")


if __name__ == "__main__":
    main()
