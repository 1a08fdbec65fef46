#!/usr/bin/env python3
"""Load and soak bench for the local runner (local-api) on DynamoDB Local.

Started by scripts/load.sh, which builds the runner, starts DynamoDB Local and the runner on
loopback and hands this script the runner's address, binary and pid. Python 3.11 standard library
only: a thread per client, each with its own keep-alive http.client connection to 127.0.0.1.

Phases (each bounded by a number of requests and a time limit; the script stops by itself):

  argon2   the password targets: RSS after 100 password publishes and 300 unlocks (< 300 MB); a
           public page's idle p50 (one client, 300 requests) against its p50 while 16 clients
           unlock in a loop (<= 5x); RSS sampled over 1,000 unlocks (flat).
  mixed    publishers (10 to 10,000 events, and revokes of their older shares), viewers (pages,
           feeds, conditional GETs answering 304), live updates (POST /me/changes) and unlocks
           (right and wrong passwords over many password shares), all at once.
  soak     (--soak MINUTES, alone) the mixed load at a bounded rate for that long; RSS every 10 s and
           its trend (the first minute's average against the last minute's).

Every 10 s it prints, per route, the count, p50/p99/max latency in ms, the answers by status, the
errors (a status the route should not answer, or no answer) and the runner's RSS (/proc/PID/status
VmRSS, with VmHWM, the peak). A wrong password's 401 and an unlock's 429 (a share checks at most 30
passwords a minute; 10 wrong in 15 minutes lock it) are expected answers, shown apart from errors.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import datetime
import http.client
import json
import math
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse

LOOPBACK = "127.0.0.1"
REPORT_EVERY_S = 10.0
WRONG_PASSWORD = "not-the-password-at-all"
# The server locks a share after 10 wrong tries in a fixed 15-minute window (from the first): the
# client sends a share at most this many wrong ones in any 15 minutes, so no share locks and every
# 429 the bench sees comes from the 30-checks-a-minute budget.
WRONG_BUDGET = 6
WRONG_WINDOW_S = 15 * 60 + 5
RSS_TARGET_MB = 300.0
SLOWDOWN_TARGET = 5.0
# Publishers cycle through these sizes (events per publish): mostly small, one 10,000 in eight.
PUBLISH_SIZES = [10, 250, 10, 250, 1000, 10, 250, 10000]
PUBLISHER_KEEPS = 8  # a publisher revokes its oldest share beyond this many

# The mixed load: viewers as fast as they are answered (a closed loop), the rest at a set rate per
# client; the counts are bounds a little above what the time limit lets through, so every kind of
# client runs for the whole phase.
MIXED = {
    "time_limit_s": 180,
    "viewers": 6, "views_each": 25000, "view_rate": None,  # None: closed loop, as fast as answered
    "publishers": 2, "publishes_each": 400, "publish_rate": 2.0,
    "changers": 1, "changes_each": 400, "change_rate": 2.0,
    "unlockers": 2, "unlocks_each": 1500, "unlock_rate": 8.0, "wrong_fraction": 0.15,
}
SOAK = {  # rates are per client, per second; counts are derived from the duration
    "viewers": 4, "view_rate": 10.0,
    "publishers": 1, "publish_rate": 0.2,
    "changers": 1, "change_rate": 0.5,
    "unlockers": 1, "unlock_rate": 2.0, "wrong_fraction": 0.15,
}


def log(message: str = "") -> None:
    print(message, flush=True)


# ------------------------------------------------------------------------------------------------
# Measurements


def percentile(values: list[float], p: float) -> float:
    """Nearest rank of a sorted list."""
    if not values:
        return float("nan")
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]


class RouteStats:
    __slots__ = ("latencies", "answers", "errors")

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.answers: collections.Counter[str] = collections.Counter()
        self.errors: collections.Counter[str] = collections.Counter()

    def summary(self) -> dict:
        lat = sorted(self.latencies)
        return {
            "n": len(lat),
            "p50_ms": round(percentile(lat, 50), 2),
            "p99_ms": round(percentile(lat, 99), 2),
            "max_ms": round(lat[-1], 2) if lat else None,
            "answers": dict(self.answers),
            "errors": dict(self.errors),
        }


class Stats:
    """Latencies and answers by route: the current 10-second window and the phase's total."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.window: dict[str, RouteStats] = {}
        self.total: dict[str, RouteStats] = {}
        self.error_samples: list[str] = []  # the first few errors, with what the runner said

    def record(self, route: str, ms: float, answer: str, error: bool) -> None:
        with self._lock:
            for table in (self.window, self.total):
                stats = table.get(route)
                if stats is None:
                    stats = table[route] = RouteStats()
                stats.latencies.append(ms)
                (stats.errors if error else stats.answers)[answer] += 1

    def note_error(self, text: str) -> None:
        with self._lock:
            if len(self.error_samples) < 10:
                self.error_samples.append(text)

    def take_window(self) -> dict[str, RouteStats]:
        with self._lock:
            window, self.window = self.window, {}
        return window

    def count(self, route: str) -> int:
        with self._lock:
            stats = self.total.get(route)
            return len(stats.latencies) if stats else 0


def print_table(title: str, routes: dict[str, RouteStats]) -> None:
    log(title)
    log(f"  {'route':<44} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  answers / errors")
    for route in sorted(routes):
        s = routes[route].summary()
        if not s["n"]:
            continue
        answers = " ".join(f"{k}x{v}" for k, v in sorted(s["answers"].items()))
        errors = " ".join(f"{k}x{v}" for k, v in sorted(s["errors"].items()))
        log(f"  {route:<44} {s['n']:>6} {s['p50_ms']:>8.1f} {s['p99_ms']:>8.1f} {s['max_ms']:>8.1f}  "
            f"{answers}{'   ERRORS ' + errors if errors else ''}")


def print_errors(stats: Stats) -> None:
    for sample in stats.error_samples:
        log(f"  error: {sample}")


def read_status_kb(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


class RssSampler(threading.Thread):
    """The runner's RSS once a second for the whole run (and DynamoDB Local's, for the record)."""

    def __init__(self, runner_pid: int, ddb_pid: int | None) -> None:
        super().__init__(daemon=True)
        self.runner_pid, self.ddb_pid = runner_pid, ddb_pid
        self.samples: list[tuple[float, int]] = []  # (monotonic time, VmRSS kB)
        self.start_time = time.monotonic()
        self.dead = threading.Event()
        self.sample()

    def sample(self) -> int | None:
        rss = read_status_kb(self.runner_pid, "VmRSS")
        if rss is None:
            self.dead.set()
        else:
            self.samples.append((time.monotonic(), rss))
        return rss

    def run(self) -> None:
        while not self.dead.is_set():
            time.sleep(1.0)
            self.sample()

    def line(self) -> str:
        rss = read_status_kb(self.runner_pid, "VmRSS")
        hwm = read_status_kb(self.runner_pid, "VmHWM")
        threads = read_status_kb(self.runner_pid, "Threads")
        text = f"runner RSS {mb(rss)} (peak {mb(hwm)}, {threads} threads)"
        if self.ddb_pid:
            text += f"; DynamoDB Local RSS {mb(read_status_kb(self.ddb_pid, 'VmRSS'))}"
        return text + f"; load {os.getloadavg()[0]:.2f}"

    def rss_mb(self) -> float:
        return (read_status_kb(self.runner_pid, "VmRSS") or 0) / 1024


def mb(kb: int | None) -> str:
    return "?" if kb is None else f"{kb / 1024:.1f} MB"


class Reporter(threading.Thread):
    """Prints the last window's table and the RSS every 10 s while a phase runs."""

    def __init__(self, name: str, stats: Stats, rss: RssSampler) -> None:
        super().__init__(daemon=True)
        self.name_, self.stats, self.rss = name, stats, rss
        self.done = threading.Event()
        self.started = time.monotonic()
        self.rss_lines: list[tuple[float, float]] = []  # (seconds into the phase, RSS MB)

    def run(self) -> None:
        while not self.done.wait(REPORT_EVERY_S):
            self.report()

    def report(self) -> None:
        elapsed = time.monotonic() - self.started
        rss_mb = self.rss.rss_mb()
        self.rss_lines.append((elapsed, rss_mb))
        print_table(f"[{self.name_} {elapsed:6.0f} s] {self.rss.line()}", self.stats.take_window())

    def stop(self) -> None:
        self.done.set()
        self.join()


# ------------------------------------------------------------------------------------------------
# HTTP


class Client:
    """One keep-alive connection to the runner, on loopback only."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port, self.stats = port, stats
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _send(self, method: str, path: str, body: bytes | None, headers: dict):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=120)
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.will_close:
            self.close()
        return response.status, response, data

    def call(self, route: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
             ok: tuple[int, ...] = (200,), expect: dict[int, str] | None = None):
        """Sends one request and records it: a status in `ok` under `route`, one in `expect` under
        the route that maps it (an expected refusal), anything else as an error of `route`."""
        headers = headers or {}
        reused = self.conn is not None
        started = time.perf_counter()
        try:
            try:
                status, response, data = self._send(method, path, body, headers)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if not reused:
                    raise
                started = time.perf_counter()  # an idle keep-alive connection the server closed
                status, response, data = self._send(method, path, body, headers)
        except Exception as error:  # no answer: an error of the route
            self.close()
            self.stats.record(route, (time.perf_counter() - started) * 1000, type(error).__name__, True)
            self.stats.note_error(f"{route}: {method} {path}: {type(error).__name__}: {error}")
            return 0, None, b""
        ms = (time.perf_counter() - started) * 1000
        if status in ok:
            self.stats.record(route, ms, str(status), False)
        elif expect and status in expect:
            self.stats.record(expect[status], ms, str(status), False)
        else:
            self.stats.record(route, ms, str(status), True)
            self.stats.note_error(f"{route}: {method} {path}: {status} after {ms:.0f} ms: {data[:300]!r}")
        return status, response, data


class Pacer:
    """Keeps a client at `rate` requests a second (None: as fast as answered)."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self.next = time.monotonic()

    def wait(self, stop: threading.Event) -> None:
        if not self.interval:
            return
        self.next += self.interval
        delay = self.next - time.monotonic()
        if delay > 0:
            stop.wait(delay)
        elif delay < -1.0:
            self.next = time.monotonic()  # fell behind: no burst to catch up


# ------------------------------------------------------------------------------------------------
# Bodies


def normalized_events(n: int, prefix: str) -> tuple[list[dict], dict]:
    """`n` normalized events from 1 December 2026 on, over a month (up to 250), three months (1,000)
    or a year (10,000), and the range that holds them."""
    days = 31 if n <= 250 else 92 if n <= 1000 else 365
    first = datetime.date(2026, 12, 1)
    events = []
    for i in range(n):
        day = first + datetime.timedelta(days=i % days)
        slot = i // days
        hour, minute = 7 + slot % 12, (slot // 12) % 4 * 15
        events.append({
            "id": f"{prefix}-e{i}", "title": f"On call: engineer {i % 37}", "location": f"Desk {i % 12}",
            "start": f"{day.isoformat()}T{hour:02d}:{minute:02d}:00-05:00",
            "end": f"{day.isoformat()}T{hour:02d}:{minute + 14:02d}:00-05:00",
            "showAs": "busy", "resource": f"Tier {1 + i % 3}", "status": "Confirmed",
        })
    end = first + datetime.timedelta(days=days)
    return events, {"start": first.isoformat(), "end": end.isoformat()}


def publish_body(n: int, prefix: str, title: str, password: str | None = None) -> bytes:
    events, date_range = normalized_events(n, prefix)
    body = {"title": title, "visibility": "public", "detail": "limited", "view": "month",
            "timeZone": "America/New_York", "range": date_range, "events": events}
    if password is not None:
        body["password"] = password
    return json.dumps(body).encode()


def json_headers(token: str, **extra: str) -> dict:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **extra}


# ------------------------------------------------------------------------------------------------
# The shares the clients use


class PasswordShare:
    __slots__ = ("id", "password")

    def __init__(self, share_id: str, password: str) -> None:
        self.id, self.password = share_id, password


class PasswordPool:
    """Password shares handed out round robin; keeps each share's wrong tries within WRONG_BUDGET."""

    def __init__(self, shares: list[PasswordShare]) -> None:
        self._lock = threading.Lock()
        self.shares = list(shares)
        self._next = 0
        self._wrong: dict[str, collections.deque] = collections.defaultdict(collections.deque)

    def add(self, shares: list[PasswordShare]) -> None:
        with self._lock:
            self.shares.extend(shares)

    def next(self) -> PasswordShare:
        with self._lock:
            share = self.shares[self._next % len(self.shares)]
            self._next += 1
            return share

    def take_wrong(self, share: PasswordShare) -> bool:
        now = time.monotonic()
        with self._lock:
            sent = self._wrong[share.id]
            while sent and sent[0] < now - WRONG_WINDOW_S:
                sent.popleft()
            if len(sent) >= WRONG_BUDGET:
                return False
            sent.append(now)
            return True


UNLOCK_CHECKED = "POST /s/{id}/unlock (checked: 303, 401)"
UNLOCK_429 = "POST /s/{id}/unlock (429, not checked)"


def unlock_once(client: Client, pool: PasswordPool, rng: random.Random, wrong_fraction: float) -> int:
    share = pool.next()
    wrong = rng.random() < wrong_fraction and pool.take_wrong(share)
    form = urllib.parse.urlencode({"password": WRONG_PASSWORD if wrong else share.password}).encode()
    status, _, _ = client.call(UNLOCK_CHECKED, "POST", f"/s/{share.id}/unlock", form,
                               {"Content-Type": "application/x-www-form-urlencoded"},
                               ok=(401,) if wrong else (303,), expect={429: UNLOCK_429})
    return status


class Context:
    def __init__(self, args, rss: RssSampler) -> None:
        self.args = args
        self.port = urllib.parse.urlsplit(args.base).port
        self.rss = rss
        self.stop = threading.Event()
        self.tokens: dict[str, str] = {}
        self.view_shares: list[tuple[str, int]] = []  # (id, events)
        self.public_page: str | None = None  # the one the argon2 target reads
        self.mixed_pool = PasswordPool([])
        self.argon_pool = PasswordPool([])
        self.run_id = f"{os.getpid()}-{int(time.time())}"

    def token(self, user: str) -> str:
        if user not in self.tokens:
            group = "fabrikam" if user.startswith("pub") else "contoso"
            self.tokens[user] = subprocess.run(
                [self.args.bin, "token", "--user", user, "--email", f"{user}@example.com", "--group", group],
                check=True, capture_output=True, text=True).stdout.strip()
        return self.tokens[user]


def run_clients(ctx: Context, jobs: list, time_limit_s: float) -> None:
    """Runs each job (a function of (stop event)) on its own thread until all end or the time limit."""
    stop = threading.Event()
    threads = [threading.Thread(target=job, args=(stop,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + time_limit_s
    while any(t.is_alive() for t in threads):
        if time.monotonic() >= deadline or ctx.stop.is_set() or ctx.rss.dead.is_set():
            stop.set()
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    if ctx.rss.dead.is_set():
        raise SystemExit("the runner is gone (see its log)")


def publish_many(ctx: Context, stats: Stats, user: str, bodies: list[tuple[str, bytes]], threads: int = 4,
                 route: str = "POST /shares (seed)") -> list[str]:
    """Publishes each (label, body) with a few clients; returns the ids in order."""
    local = threading.local()
    token = ctx.token(user)

    def publish(body: bytes) -> str:
        if not hasattr(local, "client"):
            local.client = Client(ctx.port, stats)
        status, _, data = local.client.call(route, "POST", "/shares", body, json_headers(token), ok=(201,))
        if status != 201:
            raise SystemExit(f"seed publish failed: {status} {data[:300]!r}")
        return json.loads(data)["id"]

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(publish, [body for _, body in bodies]))


# ------------------------------------------------------------------------------------------------
# Seeding


def seed(ctx: Context, password_shares: int) -> None:
    stats = Stats()
    started = time.monotonic()
    # kim: the shares viewers read (250 events mostly; 10, 1,000 and 10,000 too).
    sizes = [250] * 10 + [10, 10, 1000, 1000, 10000, 10000]
    ids = publish_many(ctx, stats, "kim", [(f"kim{i}", publish_body(n, f"kim{i}", f"Rota {i}"))
                                           for i, n in enumerate(sizes)])
    ctx.view_shares = list(zip(ids, sizes))
    ctx.public_page = f"/s/{ids[0]}"
    # lee: six 250-event shares holding the same events, which the live updates change (one round of
    # six rewrites a call); viewers read them too, so their 304s turn into 200s after a change.
    lee_body = publish_body(250, "lee", "Lee's rota")
    lee_ids = publish_many(ctx, stats, "lee", [("lee", lee_body)] * 6)
    ctx.view_shares += [(share_id, 250) for share_id in lee_ids]
    # ana: password shares of 10 events for the mixed load's and the soak's unlocks.
    ctx.mixed_pool.add(publish_password_shares(ctx, stats, "ana", password_shares))
    print_table(f"seeded {len(ctx.view_shares)} public and {password_shares} password shares in "
                f"{time.monotonic() - started:.1f} s; {ctx.rss.line()}", stats.total)
    print_errors(stats)


def publish_password_shares(ctx: Context, stats: Stats, user: str, count: int,
                            route: str = "POST /shares (seed)") -> list[PasswordShare]:
    passwords = [f"correct horse {user} {ctx.run_id} {k}" for k in range(count)]
    bodies = [(p, publish_body(10, f"{user}{k}", f"Locked rota {k}", password=p)) for k, p in enumerate(passwords)]
    ids = publish_many(ctx, stats, user, bodies, route=route)
    return [PasswordShare(i, p) for i, p in zip(ids, passwords)]


# ------------------------------------------------------------------------------------------------
# The mixed load's clients


def viewer(ctx: Context, stats: Stats, count: int, rate: float | None, seed_n: int):
    rng = random.Random(seed_n)
    shares = ctx.view_shares
    # A 10,000-event share is read one time in twenty, a 1,000-event one one in ten.
    weights = [1 if n >= 10000 else 2 if n >= 1000 else 6 for _, n in shares]
    gzip = {"Accept-Encoding": "gzip"}  # as browsers and calendar apps send

    def job(stop: threading.Event) -> None:
        client, pacer, etags = Client(ctx.port, stats), Pacer(rate), {}
        for _ in range(count):
            if stop.is_set():
                break
            share_id, n = rng.choices(shares, weights)[0]
            roll = rng.random()
            if roll < 0.65:  # a page or a feed
                if roll < 0.45:
                    path = rng.choice([f"/s/{share_id}", f"/s/{share_id}?view=week&date=2026-12-07",
                                       f"/s/{share_id}?view=agenda"])
                    route = "GET /s/{id}"
                else:
                    path, route = f"/s/{share_id}/calendar.ics", "GET /s/{id}/calendar.ics"
                status, response, _ = client.call(route, "GET", path, headers=gzip)
                if status == 200:
                    etags[path] = response.getheader("ETag")
            else:  # a conditional GET of a page or feed read before: 304 unless the share changed
                feed = roll >= 0.9
                path = f"/s/{share_id}/calendar.ics" if feed else f"/s/{share_id}"
                etag = etags.get(path)
                if etag is None:
                    route = "GET /s/{id}/calendar.ics" if feed else "GET /s/{id}"
                    status, response, _ = client.call(route, "GET", path, headers=gzip)
                else:
                    route = f"GET {'/s/{id}/calendar.ics' if feed else '/s/{id}'} If-None-Match"
                    status, response, _ = client.call(route, "GET", path, headers={**gzip, "If-None-Match": etag},
                                                      ok=(304, 200))
                if status == 200:
                    etags[path] = response.getheader("ETag")
            pacer.wait(stop)
        client.close()

    return job


def publisher(ctx: Context, stats: Stats, user: str, count: int, rate: float | None, start_at: int):
    token = ctx.token(user)
    bodies = {n: publish_body(n, f"{user}-{n}", f"{user}'s rota of {n}") for n in set(PUBLISH_SIZES)}

    def job(stop: threading.Event) -> None:
        client, pacer, live = Client(ctx.port, stats), Pacer(rate), collections.deque()
        for i in range(count):
            if stop.is_set():
                break
            n = PUBLISH_SIZES[(start_at + i) % len(PUBLISH_SIZES)]
            status, _, data = client.call(f"POST /shares ({n} events)", "POST", "/shares", bodies[n],
                                          json_headers(token), ok=(201,))
            if status == 201:
                live.append(json.loads(data)["id"])
            while len(live) > PUBLISHER_KEEPS and not stop.is_set():  # revoke the oldest: bounded store
                client.call("DELETE /shares/{id}", "DELETE", f"/shares/{live.popleft()}",
                            headers={"Authorization": f"Bearer {token}"}, ok=(204,))
            pacer.wait(stop)
        client.close()

    return job


def changer(ctx: Context, stats: Stats, count: int, rate: float | None, tag: str):
    token = ctx.token("lee")
    events, _ = normalized_events(250, "lee")

    def job(stop: threading.Event) -> None:
        client, pacer = Client(ctx.port, stats), Pacer(rate)
        for i in range(count):
            if stop.is_set():
                break
            event = dict(events[(i * 7) % len(events)], title=f"On call: relief {i}")
            body = json.dumps({"format": "normalized", "changed": [event]}).encode()
            headers = json_headers(token, **{"Idempotency-Key": f"load-{ctx.run_id}-{tag}-{i}"})
            for _ in range(5):  # "more": true asks for the next round with the same key
                status, _, data = client.call("POST /me/changes", "POST", "/me/changes", body, headers)
                if status != 200 or not json.loads(data).get("more"):
                    break
            pacer.wait(stop)
        client.close()

    return job


def unlocker(ctx: Context, stats: Stats, pool: PasswordPool, count: int, rate: float | None,
             wrong_fraction: float, seed_n: int, done: list | None = None):
    rng = random.Random(seed_n)

    def job(stop: threading.Event) -> None:
        client, pacer = Client(ctx.port, stats), Pacer(rate)
        for _ in range(count):
            if stop.is_set():
                break
            unlock_once(client, pool, rng, wrong_fraction)
            if done is not None:
                done.append(1)
            pacer.wait(stop)
        client.close()

    return job


def mixed_jobs(ctx: Context, stats: Stats, plan: dict, scale: float = 1.0) -> list:
    jobs = []
    for v in range(plan["viewers"]):
        jobs.append(viewer(ctx, stats, int(plan["views_each"] * scale), plan["view_rate"], 100 + v))
    for p in range(plan["publishers"]):
        jobs.append(publisher(ctx, stats, f"pub{p}", int(plan["publishes_each"] * scale), plan["publish_rate"], p * 3))
    for c in range(plan["changers"]):
        jobs.append(changer(ctx, stats, int(plan["changes_each"] * scale), plan["change_rate"], f"c{c}"))
    for u in range(plan["unlockers"]):
        jobs.append(unlocker(ctx, stats, ctx.mixed_pool, int(plan["unlocks_each"] * scale), plan["unlock_rate"],
                             plan["wrong_fraction"], 200 + u))
    return jobs


def total_errors(stats: Stats) -> int:
    return sum(sum(s.errors.values()) for s in stats.total.values())


# ------------------------------------------------------------------------------------------------
# Phases


def phase_mixed(ctx: Context, results: dict) -> None:
    plan = dict(MIXED, time_limit_s=ctx.args.mixed_seconds)
    log(f"\n== mixed load: {plan['viewers']} viewers (closed loop), {plan['publishers']} publishers at "
        f"{plan['publish_rate']}/s each (sizes {PUBLISH_SIZES}, each revoking its shares beyond {PUBLISHER_KEEPS}), "
        f"{plan['changers']} live-update client at {plan['change_rate']}/s, {plan['unlockers']} unlockers at "
        f"{plan['unlock_rate']}/s each over {len(ctx.mixed_pool.shares)} password shares; at most "
        f"{plan['time_limit_s']} s")
    stats = Stats()
    reporter = Reporter("mixed", stats, ctx.rss)
    reporter.start()
    started = time.monotonic()
    run_clients(ctx, mixed_jobs(ctx, stats, plan), plan["time_limit_s"])
    elapsed = time.monotonic() - started
    reporter.stop()
    reporter.report()
    print_table(f"== mixed load, whole phase ({elapsed:.0f} s, {total_errors(stats)} errors); {ctx.rss.line()}",
                stats.total)
    print_errors(stats)
    results["mixed"] = {"seconds": round(elapsed, 1), "errors": total_errors(stats), "error_samples": stats.error_samples,
                        "routes": {r: s.summary() for r, s in stats.total.items()},
                        "rss_mb": [(round(t), round(m, 1)) for t, m in reporter.rss_lines]}


def page_p50(ctx: Context, requests: int, interval_s: float) -> tuple[float, float, dict]:
    """One client reads the public page `requests` times, one every `interval_s` at most."""
    stats = Stats()
    client, stop = Client(ctx.port, stats), threading.Event()
    pacer = Pacer(1 / interval_s)
    for _ in range(requests):
        client.call("GET /s/{id}", "GET", ctx.public_page, headers={"Accept-Encoding": "gzip"})
        pacer.wait(stop)
    client.close()
    s = stats.total["GET /s/{id}"].summary()
    return s["p50_ms"], s["p99_ms"], s


def phase_argon2(ctx: Context, results: dict) -> None:
    a = ctx.args
    out: dict = {}
    log("\n== argon2 targets (password hashing and checks run two at a time, off the async workers)")
    rss0 = ctx.rss.rss_mb()

    # RSS after 100 password publishes and 300 unlocks.
    stats = Stats()
    ctx.argon_pool.add(publish_password_shares(ctx, stats, "raj", 100, route="POST /shares (password)"))
    rss_publish = ctx.rss.rss_mb()
    run_clients(ctx, [unlocker(ctx, stats, ctx.argon_pool, 300 // 8, None, 0.25, 300 + k) for k in range(8)] +
                [unlocker(ctx, stats, ctx.argon_pool, 300 % 8, None, 0.25, 399)], 300)
    rss_unlocks = ctx.rss.rss_mb()
    hwm = (read_status_kb(ctx.rss.runner_pid, "VmHWM") or 0) / 1024
    print_table(f"-- 100 password publishes, then 300 unlocks (8 clients): runner RSS {rss0:.1f} MB before, "
                f"{rss_publish:.1f} MB after the publishes, {rss_unlocks:.1f} MB after the unlocks (peak {hwm:.1f} MB); "
                f"target < {RSS_TARGET_MB:.0f} MB: {'met' if max(rss_unlocks, hwm) < RSS_TARGET_MB else 'MISSED'}",
                stats.total)
    print_errors(stats)
    out["rss_after_100_publishes_300_unlocks"] = {
        "before_mb": round(rss0, 1), "after_publishes_mb": round(rss_publish, 1),
        "after_unlocks_mb": round(rss_unlocks, 1), "peak_mb": round(hwm, 1),
        "target_mb": RSS_TARGET_MB, "met": max(rss_unlocks, hwm) < RSS_TARGET_MB,
        "routes": {r: s.summary() for r, s in stats.total.items()}}

    # More password shares, so that 16 clients unlocking for the loaded measurement stay mostly
    # within each share's 30 checks a minute.
    ctx.argon_pool.add(publish_password_shares(ctx, Stats(), "raj", a.argon_shares - 100))

    # The page's p50 idle, then while 16 clients unlock in a loop.
    page_p50(ctx, 20, a.page_interval)  # warm: record and body cached as any warm instance has them
    idle_p50, idle_p99, idle = page_p50(ctx, a.page_requests, a.page_interval)
    log(f"-- idle: GET {ctx.public_page} p50 {idle_p50:.2f} ms, p99 {idle_p99:.2f} ms ({a.page_requests} requests, "
        f"one client, one every {a.page_interval * 1000:.0f} ms at most; load {os.getloadavg()[0]:.2f})")
    stats = Stats()
    stop_unlocks = threading.Event()
    jobs = [unlocker(ctx, stats, ctx.argon_pool, 100_000, None, 0.25, 500 + k) for k in range(16)]
    threads = [threading.Thread(target=job, args=(stop_unlocks,), daemon=True) for job in jobs]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(2.0)  # the pool is busy before the page is measured
    loaded_p50, loaded_p99, loaded = page_p50(ctx, a.page_requests, a.page_interval)
    stop_unlocks.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ratio = loaded_p50 / idle_p50
    checked, refused = stats.count(UNLOCK_CHECKED), stats.count(UNLOCK_429)
    print_table(f"-- 16 clients unlocking over {len(ctx.argon_pool.shares)} password shares for {elapsed:.1f} s: "
                f"{checked} checked ({checked / elapsed:.0f}/s), {refused} refused with 429 unchecked", stats.total)
    print_errors(stats)
    log(f"-- loaded: GET {ctx.public_page} p50 {loaded_p50:.2f} ms, p99 {loaded_p99:.2f} ms; "
        f"p50 loaded / idle = {ratio:.2f}x, target <= {SLOWDOWN_TARGET:.0f}x: "
        f"{'met' if ratio <= SLOWDOWN_TARGET else 'MISSED'}")
    out["page_p50_while_16_unlock"] = {
        "idle": idle, "loaded": loaded, "ratio": round(ratio, 2), "target": SLOWDOWN_TARGET,
        "met": ratio <= SLOWDOWN_TARGET, "unlock_seconds": round(elapsed, 1), "checked": checked, "refused_429": refused,
        "routes": {r: s.summary() for r, s in stats.total.items()}}

    # RSS over 1,000 unlocks: a sample every 100.
    stats, done, samples = Stats(), [], [(0, ctx.rss.rss_mb())]
    jobs = [unlocker(ctx, stats, ctx.argon_pool, 125, None, 0.25, 700 + k, done) for k in range(8)]
    threads = [threading.Thread(target=job, args=(threading.Event(),), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    next_mark = 100
    while any(t.is_alive() for t in threads):
        time.sleep(0.05)
        if len(done) >= next_mark:
            samples.append((next_mark, ctx.rss.rss_mb()))
            next_mark += 100
        if ctx.rss.dead.is_set():
            raise SystemExit("the runner is gone")
    for thread in threads:
        thread.join()
    if samples[-1][0] != len(done):
        samples.append((len(done), ctx.rss.rss_mb()))
    first, last = samples[0][1], samples[-1][1]
    growth = last - first
    flat = growth <= max(4.0, 0.02 * first)
    print_table(f"-- 1,000 unlocks (8 clients): runner RSS by unlocks done: "
                + ", ".join(f"{n}: {m:.1f}" for n, m in samples)
                + f" MB; first {first:.1f}, last {last:.1f} MB ({growth:+.1f} MB): "
                f"{'flat' if flat else 'NOT flat'} (flat: within max(4 MB, 2 %))", stats.total)
    print_errors(stats)
    out["rss_over_1000_unlocks"] = {"samples_mb": [(n, round(m, 1)) for n, m in samples], "first_mb": round(first, 1),
                                    "last_mb": round(last, 1), "growth_mb": round(growth, 1), "flat": flat,
                                    "routes": {r: s.summary() for r, s in stats.total.items()}}
    results["argon2"] = out


def phase_soak(ctx: Context, results: dict, minutes: float) -> None:
    seconds = minutes * 60
    plan = SOAK
    log(f"\n== soak: {minutes:g} min at a bounded rate: {plan['viewers']} viewers at {plan['view_rate']}/s, "
        f"{plan['publishers']} publisher at {plan['publish_rate']}/s (sizes {PUBLISH_SIZES}, keeping "
        f"{PUBLISHER_KEEPS}), live updates at {plan['change_rate']}/s, unlocks at {plan['unlock_rate']}/s over "
        f"{len(ctx.mixed_pool.shares)} password shares")
    counts = {"views_each": plan["view_rate"], "publishes_each": plan["publish_rate"],
              "changes_each": plan["change_rate"], "unlocks_each": plan["unlock_rate"]}
    full_plan = dict(plan, **{k: math.ceil(rate * seconds) for k, rate in counts.items()})
    stats = Stats()
    reporter = Reporter("soak", stats, ctx.rss)
    reporter.start()
    started = time.monotonic()
    run_clients(ctx, mixed_jobs(ctx, stats, full_plan), seconds + 5)
    elapsed = time.monotonic() - started
    reporter.stop()
    reporter.report()
    lines = reporter.rss_lines
    first = [m for t, m in lines if t <= 60.5] or [lines[0][1]]
    last = [m for t, m in lines if t >= elapsed - 60.5] or [lines[-1][1]]
    first_avg, last_avg = sum(first) / len(first), sum(last) / len(last)
    growth = last_avg - first_avg
    flat = growth <= max(4.0, 0.02 * first_avg)
    print_table(f"== soak, whole run ({elapsed:.0f} s, {total_errors(stats)} errors); {ctx.rss.line()}", stats.total)
    print_errors(stats)
    log("-- runner RSS every 10 s (MB): " + " ".join(f"{m:.1f}" for _, m in lines))
    log(f"-- RSS trend: first minute's average {first_avg:.1f} MB, last minute's {last_avg:.1f} MB "
        f"({growth:+.1f} MB), min {min(m for _, m in lines):.1f}, max {max(m for _, m in lines):.1f}: "
        f"{'flat' if flat else 'NOT flat'} (flat: within max(4 MB, 2 %))")
    by_minute = collections.defaultdict(list)
    for t, m in lines:
        by_minute[max(0, min(int((t - 0.5) // 60), math.ceil(minutes) - 1))].append(m)
    minute_avgs = [round(sum(v) / len(v), 1) for _, v in sorted(by_minute.items())]
    log("-- runner RSS, each minute's average (MB): " + " ".join(f"{m:.1f}" for m in minute_avgs))
    # The view function's caches (bounded) fill during the first minutes: the second half shows whether
    # anything grows after that.
    half = minute_avgs[len(minute_avgs) // 2]
    half_growth = minute_avgs[-1] - half
    half_flat = half_growth <= max(4.0, 0.02 * half)
    log(f"-- second half: minute {len(minute_avgs) // 2 + 1}'s average {half:.1f} MB, the last minute's "
        f"{minute_avgs[-1]:.1f} MB ({half_growth:+.1f} MB): {'flat' if half_flat else 'NOT flat'}")
    results["soak"] = {"minutes": minutes, "seconds": round(elapsed, 1), "errors": total_errors(stats),
                       "error_samples": stats.error_samples,
                       "routes": {r: s.summary() for r, s in stats.total.items()},
                       "rss_mb": [(round(t), round(m, 1)) for t, m in lines],
                       "first_minute_avg_mb": round(first_avg, 1), "last_minute_avg_mb": round(last_avg, 1),
                       "minute_avgs_mb": minute_avgs, "growth_mb": round(growth, 1), "flat": flat,
                       "second_half_growth_mb": round(half_growth, 1), "second_half_flat": half_flat}


# ------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the runner's address, http://127.0.0.1:PORT")
    parser.add_argument("--bin", required=True, help="the local-api binary (mints the tokens)")
    parser.add_argument("--runner-pid", type=int, required=True, help="whose RSS is read")
    parser.add_argument("--ddb-pid", type=int, help="DynamoDB Local's pid (its RSS is shown too)")
    parser.add_argument("--phases", default="argon2,mixed", help="argon2,mixed (the default), or one of them")
    parser.add_argument("--soak", type=float, metavar="MINUTES", help="run only the soak, for this long")
    parser.add_argument("--mixed-seconds", type=float, default=MIXED["time_limit_s"],
                        help="the mixed phase's time limit (default %(default)s)")
    parser.add_argument("--password-shares", type=int, default=80,
                        help="password shares of the mixed load and the soak (default %(default)s)")
    parser.add_argument("--argon-shares", type=int, default=200,
                        help="password shares the 16 unlocking clients use (default %(default)s, >= 100)")
    parser.add_argument("--page-requests", type=int, default=300)
    parser.add_argument("--page-interval", type=float, default=0.02, help="seconds between page reads, at least")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    base = urllib.parse.urlsplit(args.base)
    if base.scheme != "http" or base.hostname != LOOPBACK or not base.port:
        parser.error(f"--base must be http://{LOOPBACK}:PORT: this bench sends traffic to loopback only")
    if args.argon_shares < 100:
        parser.error("--argon-shares must be at least 100")

    rss = RssSampler(args.runner_pid, args.ddb_pid)
    if rss.dead.is_set():
        parser.error(f"no process {args.runner_pid}")
    rss.start()
    ctx = Context(args, rss)
    results: dict = {"cores": os.cpu_count(), "started": datetime.datetime.now().isoformat(timespec="seconds")}
    log(f"load: runner {args.base} (pid {args.runner_pid}) on DynamoDB Local, {os.cpu_count()} cores; {rss.line()}")
    try:
        seed(ctx, args.password_shares)
        if args.soak:
            phase_soak(ctx, results, args.soak)
        else:
            phases = [p.strip() for p in args.phases.split(",") if p.strip()]
            for phase in phases:
                {"argon2": phase_argon2, "mixed": phase_mixed}[phase](ctx, results)
    except KeyboardInterrupt:
        ctx.stop.set()
        log("interrupted")
        return 130
    finally:
        samples = [kb for _, kb in rss.samples]
        if samples:
            results["runner_rss_mb"] = {"first": round(samples[0] / 1024, 1), "last": round(samples[-1] / 1024, 1),
                                        "max": round(max(samples) / 1024, 1)}
            log(f"\nrunner RSS over the run (1 s samples): first {samples[0] / 1024:.1f} MB, last "
                f"{samples[-1] / 1024:.1f} MB, max {max(samples) / 1024:.1f} MB; {rss.line()}")
        if args.json:
            with open(args.json, "w") as out:
                json.dump(results, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
