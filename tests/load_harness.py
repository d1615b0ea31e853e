"""A gunicorn server of the app on PostgreSQL and a threaded client driving a mixed workload.

Used by tests/test_load.py. Everything talks to 127.0.0.1 only; every loop
is bounded in time and in count.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .redis_server import free_port

ROOT = Path(__file__).resolve().parents[1]
BIG = "100000 per minute"  # the limits stay on (they live in Redis) but never bite the load
LIMIT_NAMES = ("THREAD", "THREAD_NEW", "THREAD_ADDRESS", "REPLY", "REPLY_NEW", "REPLY_ADDRESS",
               "API", "LOGIN_ADDRESS", "LOGIN_ACCOUNT")


def children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Gunicorn:
    """``gunicorn weibo_app.wsgi:app`` with two workers, its log in a file."""

    def __init__(self, database_url: str, redis_url: str, log_path: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "load-test-secret",
            "WEIBO_VIEWS_FLUSH_SECONDS": "2",
            "WEIBO_VIEWS_REDIS_RETRY_SECONDS": "1",
            **{f"WEIBO_RATELIMIT_{name}": BIG for name in LIMIT_NAMES},
        }
        self.proc: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open by the child
        self.proc = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
             "--reuse-port", "--timeout", "30", "--graceful-timeout", "5", "weibo_app.wsgi:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=log,
        )
        log.close()
        return self

    def workers(self) -> list[int]:
        return children(self.proc.pid) if self.proc else []

    def wait_ready(self, timeout: float = 30) -> float:
        """Seconds until the first good answer; fails past ``timeout``."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            status, _ = request(self.port, "GET", "/api/v1/departments", timeout=2)
            if status == 200:
                return time.monotonic() - began
            time.sleep(0.1)
        raise AssertionError(f"gunicorn not ready after {timeout}s; log:\n{self.log()[-3000:]}")

    def crash(self) -> None:
        """kill -9 the master, then the workers it leaves behind: the whole server dies at once."""
        workers = self.workers()
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        workers = self.workers()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.proc = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def request(port: int, method: str, path: str, body=None, headers=None, timeout: float = 10):
    """(status, parsed JSON or raw bytes), or (None, error) when the connection failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        send_headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            send_headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=send_headers)
        resp = conn.getresponse()
        raw = resp.read()
    except (OSError, http.client.HTTPException) as err:
        return None, err
    finally:
        conn.close()
    if resp.getheader("Content-Type", "").startswith("application/json"):
        try:
            return resp.status, json.loads(raw)
        except ValueError:
            pass
    return resp.status, raw


@dataclass
class World:
    """What the seed made: department slugs, post ids, tokens by role."""

    departments: list[str]
    posts: list[int]
    residents: list[dict[str, str]] = field(default_factory=list)
    staff: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Results:
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[tuple] = field(default_factory=list)
    connection_errors: int = 0
    threads: list[tuple[float, int]] = field(default_factory=list)  # (when acknowledged, id)
    answered: list[tuple[float, int]] = field(default_factory=list)
    requests: int = 0


class Load:
    """Readers, residents opening threads and staff answering them, at saturation."""

    def __init__(self, port_of, world: World, seconds: float, readers: int = 3, max_per_thread: int = 5000) -> None:
        self.port_of = port_of  # a callable: the server may move (restart)
        self.world = world
        self.seconds = seconds
        self.readers = readers
        self.max_per_thread = max_per_thread
        self.results = Results()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # ----- bookkeeping ----------------------------------------------------

    def _call(self, method: str, path: str, body=None, headers=None):
        status, data = request(self.port_of(), method, path, body, headers)
        with self._lock:
            self.results.requests += 1
            if status is None:
                self.results.connection_errors += 1
            else:
                self.results.statuses[status] += 1
                if status >= 500:
                    self.results.server_errors.append((method, path, status, str(data)[:300]))
        return status, data

    def _loop(self, step) -> None:
        rng = random.Random()
        for _ in range(self.max_per_thread):
            if self._stop.is_set():
                return
            step(rng)

    # ----- the three kinds of user ----------------------------------------

    def _reader(self, rng: random.Random) -> None:
        with self._lock:
            known = [tid for _, tid in self.results.threads[-50:]]
        choices = ["/", f"/p/{rng.choice(self.world.posts)}", "/api/v1/posts", "/api/v1/metrics",
                   f"/api/v1/posts/{rng.choice(self.world.posts)}"]
        if known:
            choices.append(f"/api/v1/threads/{rng.choice(known)}")
        status, _ = self._call("GET", rng.choice(choices))
        if status is None:
            time.sleep(0.1)

    def _resident(self, rng: random.Random) -> None:
        me = rng.choice(self.world.residents)
        slug = rng.choice(self.world.departments)
        headers = {"Authorization": f"Bearer {me['token']}", "Idempotency-Key": uuid.uuid4().hex}
        body = {"body": f"第{rng.randrange(10**6)}号：小区门口的路灯坏了，请尽快修理。", "kind": "help"}
        for _attempt in range(40):  # a retry with the same key is safe; about 10 s at most
            status, data = self._call("POST", f"/api/v1/departments/{slug}/threads", body, headers)
            if status in (201, 202):
                with self._lock:
                    self.results.threads.append((time.monotonic(), data["id"]))
                return
            if status is None or status == 409:  # server gone, or the first try still counted as running
                if self._stop.is_set():
                    return
                time.sleep(0.25)
                continue
            return

    def _staff(self, rng: random.Random) -> None:
        me = rng.choice(self.world.staff)
        auth = {"Authorization": f"Bearer {me['token']}"}
        status, data = self._call("GET", "/api/v1/inbox", headers=auth)
        if status != 200 or not data["threads"]:
            time.sleep(0.05 if status == 200 else 0.1)
            return
        thread_id = rng.choice(data["threads"][:10])["id"]
        headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
        status, _ = self._call("POST", f"/api/v1/threads/{thread_id}/replies", {"body": "已安排维修，三日内处理。"}, headers)
        if status in (201, 202):
            with self._lock:
                self.results.answered.append((time.monotonic(), thread_id))

    # ----- running --------------------------------------------------------

    def start(self) -> Load:
        roles = ([self._reader] * self.readers + [self._resident] * 3 + [self._staff] * 2)
        self._threads = [threading.Thread(target=self._loop, args=(step,), daemon=True) for step in roles]
        self._deadline = time.monotonic() + self.seconds
        for t in self._threads:
            t.start()
        return self

    def extend(self, seconds: float) -> None:
        """Run at least ``seconds`` more from now."""
        self._deadline = max(self._deadline, time.monotonic() + seconds)

    def wait(self) -> Results:
        while time.monotonic() < self._deadline and any(t.is_alive() for t in self._threads):
            time.sleep(0.1)
        self._stop.set()
        for t in self._threads:
            t.join(30)
        return self.results
