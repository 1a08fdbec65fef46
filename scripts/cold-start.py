#!/usr/bin/env python3
"""Cold starts of Lambda functions under a plain Lambda Runtime API (2018-06-01) emulator of our own,
outside the Rust code: Python's standard library only, on loopback. Each cold start execs the
function's release `bootstrap` with the environment Lambda gives a provided.al2023 function, queues an
API Gateway HTTP API (payload 2.0) event for `GET /s/{id}` as a browser's request arrives, and times

  init        exec -> the function's first GET /next (its init)
  first       the first event handed out -> its response posted (the whole body read)
  warm        the same event again, W times
  exec->page  exec -> the first response posted

Functions run interleaved (view-share, baseline, view-share, ...) so a busy machine slows them alike,
after a few untimed cold starts of each that let DynamoDB Local (a JVM) compile its read path. The
share must exist already (scripts/cold-start.sh seeds one with benches/cold_start.rs):

  python3 scripts/cold-start.py --endpoint http://127.0.0.1:PORT --table T --share ID \\
      --function view-share=target/release/view-share \\
      --function baseline-getitem=target/baseline-getitem/release/baseline-getitem \\
      [--cold-starts 15] [--rounds 2] [--warm 20] [--discard 3] [--json out.json]

Two builds of the view side by side: --function view-share:before=PATH --function view-share:after=PATH.
"""

import argparse
import base64
import gzip
import http.server
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
import uuid

INVOCATION_TIMEOUT_S = 30
FUNCTION_TIMEOUT_MS = 10_000


class Environment:
    """The Runtime API's side of one execution environment."""

    def __init__(self):
        self.events = queue.Queue()
        self.answers = queue.Queue()
        self.first_poll = None
        self.handed_out = {}
        self.lock = threading.Lock()


class RuntimeApi(http.server.BaseHTTPRequestHandler):
    # Lambda's Runtime API speaks HTTP/1.1 with keep-alive; so does this one, without Nagle's delay.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    environment: Environment

    def log_message(self, *args):
        pass

    def body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("content-length", 0)))

    def reply(self, status: int, body: bytes, headers=()):
        # Status line, headers and body in one write: two would leave the body to Nagle's algorithm
        # and the client's delayed ACK.
        head = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}"]
        head += [f"{name}: {value}" for name, value in headers]
        head += [f"content-length: {len(body)}", "", ""]
        try:
            self.wfile.write("\r\n".join(head).encode() + body)
            self.wfile.flush()
        except ConnectionError:
            pass  # the function was stopped while polling

    def do_GET(self):
        if self.path != "/2018-06-01/runtime/invocation/next":
            return self.reply(404, b"unknown route")
        env = self.environment
        with env.lock:
            if env.first_poll is None:
                env.first_poll = time.perf_counter()
        event = env.events.get()
        if event is None:
            return self.reply(410, b"shutting down")
        request_id = str(uuid.uuid4())
        now_ms = int(time.time() * 1000)
        trace = uuid.uuid4().hex
        headers = [
            ("content-type", "application/json"),
            ("lambda-runtime-aws-request-id", request_id),
            ("lambda-runtime-deadline-ms", str(now_ms + FUNCTION_TIMEOUT_MS)),
            ("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:123456789012:function:emulated"),
            ("lambda-runtime-trace-id", f"Root=1-{now_ms // 1000:08x}-{trace[:24]};Parent={trace[16:]};Sampled=0"),
        ]
        with env.lock:
            env.handed_out[request_id] = time.perf_counter()
        self.reply(200, event, headers)

    def do_POST(self):
        parts = self.path.split("/")
        body = self.body()
        answered = time.perf_counter()
        env = self.environment
        if self.path.startswith("/2018-06-01/runtime/invocation/") and parts[-1] == "response":
            with env.lock:
                handed_out = env.handed_out.pop(parts[-2], None)
            if handed_out is None:
                return self.reply(400, b"unknown request id")
            env.answers.put(("answer", handed_out, answered, body))
        elif parts[-1] == "error":
            env.answers.put(("error", None, answered, body))
        else:
            return self.reply(404, b"unknown route")
        self.reply(202, b'{"status":"OK"}')


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A function stopped after its last invocation resets its connections: nothing to report.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Emulator:
    """A Runtime API on a loopback port, for one execution environment."""

    def __init__(self):
        self.environment = Environment()
        handler = type("Handler", (RuntimeApi,), {"environment": self.environment})
        self.server = Server(("127.0.0.1", 0), handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def queue(self, event: bytes):
        self.environment.events.put(event)

    def answer(self, process: subprocess.Popen, log: str):
        deadline = time.monotonic() + INVOCATION_TIMEOUT_S
        while True:
            try:
                kind, handed_out, answered, body = self.environment.answers.get(timeout=0.05)
                break
            except queue.Empty:
                if process.poll() is not None:
                    sys.exit(f"the function exited ({process.returncode}); see {log}")
                if time.monotonic() > deadline:
                    sys.exit(f"no answer in time; see {log}")
        if kind != "answer":
            sys.exit(f"the function reported {body[:500]!r}; see {log}")
        return handed_out, answered, body

    def close(self):
        self.environment.events.put(None)
        self.server.shutdown()
        self.server.server_close()


def lambda_environment(function: str, runtime_api: str, endpoint: str, table: str) -> dict:
    """As Lambda sets it for a provided.al2023 function (at the view's 128 MB), aimed at DynamoDB Local."""
    env = {
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]emulated",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "_HANDLER": "bootstrap",
        "LAMBDA_TASK_ROOT": "/var/task",
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_SESSION_TOKEN": "local",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "TABLE_NAME": table,
        "PATH": "/usr/local/bin:/usr/bin/:/bin",
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
    }
    if function == "view-share":
        # What template.yaml's ARN would bring from Secrets Manager, given as the value itself.
        env["SHARE_COOKIE_KEY"] = "emulated-cookie-key-" * 3
    return env


def browser_event(share: str) -> bytes:
    """GET /s/{id} as API Gateway's HTTP API hands over a browser's request (payload 2.0)."""
    path = f"/s/{share}"
    now = time.time()
    return json.dumps({
        "version": "2.0",
        "routeKey": "GET /s/{id}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "accept-encoding": "gzip, deflate, br, zstd",
            "accept-language": "en-US,en;q=0.5",
            "content-length": "0",
            "host": "share.example.com",
            "sec-fetch-dest": "document",
            "sec-fetch-mode": "navigate",
            "sec-fetch-site": "none",
            "upgrade-insecure-requests": "1",
            "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "x-amzn-trace-id": "Root=1-67891233-abcdef012345678912345678",
            "x-forwarded-for": "203.0.113.7",
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api-id",
            "domainName": "share.example.com",
            "domainPrefix": "share",
            "http": {
                "method": "GET",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "GET /s/{id}",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "pathParameters": {"id": share},
        "isBase64Encoded": False,
    }).encode()


def check(function: str, body: bytes, log: str) -> dict:
    """The response must be a 200 page; returns its sizes as sent over the Runtime API."""
    response = json.loads(body)
    if response.get("statusCode") != 200:
        sys.exit(f"{function} answered {response.get('statusCode')}; see {log}")
    sent = response.get("body") or ""
    encoded = bool(response.get("isBase64Encoded"))
    payload = base64.b64decode(sent) if encoded else sent.encode()
    coding = (response.get("headers") or {}).get("content-encoding", "identity")
    plain = gzip.decompress(payload) if coding == "gzip" else payload
    return {"posted": len(body), "body": len(payload), "plain": len(plain), "base64": encoded, "coding": coding}


def cold_start(name: str, binary: str, args, event: bytes, log: str) -> dict:
    emulator = Emulator()
    emulator.queue(event)
    env = lambda_environment(name.split(":")[0], emulator.address, args.endpoint, args.table)
    env.update(spec.split("=", 1) for spec in args.env)
    with open(log, "ab") as output:
        exec_at = time.perf_counter()
        process = subprocess.Popen([binary], env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                                   cwd=os.path.dirname(binary))
    try:
        handed_out, answered, body = emulator.answer(process, log)
        sizes = check(name, body, log)
        run = {
            "init": emulator.environment.first_poll - exec_at,
            "first": answered - handed_out,
            "exec_to_page": answered - exec_at,
            "warm": [],
            "sizes": sizes,
        }
        for _ in range(args.warm):
            emulator.queue(event)
            handed_out, answered, body = emulator.answer(process, log)
            check(name, body, log)
            run["warm"].append(answered - handed_out)
        return run
    finally:
        process.kill()
        process.wait()
        emulator.close()


def ms(seconds: float) -> float:
    return seconds * 1000


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", required=True, help="DynamoDB Local, http://127.0.0.1:PORT")
    parser.add_argument("--table", required=True)
    parser.add_argument("--share", required=True, help="the id of a published share in the table")
    parser.add_argument("--function", action="append", required=True, metavar="NAME[:LABEL]=BOOTSTRAP",
                        help="a function's name (view-share, baseline-getitem) and release binary; repeatable "
                             "(view-share:before=... and view-share:after=... compare two builds)")
    parser.add_argument("--cold-starts", type=int, default=15, help="cold starts per function and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, each interleaving every function")
    parser.add_argument("--warm", type=int, default=20, help="warm invocations after each cold start")
    parser.add_argument("--discard", type=int, default=3,
                        help="untimed cold starts of each function first: DynamoDB Local is a JVM, whose "
                             "read path must be compiled before anything is timed")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="one more variable for every function (e.g. RUST_LOG=debug); repeatable")
    parser.add_argument("--log-dir", default="target/cold-start")
    parser.add_argument("--json", help="also write every cold start's figures here")
    args = parser.parse_args()
    functions = [(name, os.path.abspath(binary)) for name, binary in (spec.split("=", 1) for spec in args.function)]
    for name, binary in functions:
        if not os.access(binary, os.X_OK):
            sys.exit(f"{name}: {binary} is not an executable (build it in release first)")
    os.makedirs(args.log_dir, exist_ok=True)
    event = browser_event(args.share)
    load_before = loadavg()

    for _ in range(args.discard):
        for name, binary in functions:
            cold_start(name, binary, args, event, os.path.join(args.log_dir, f"py-{name}.log"))
    runs = {name: [] for name, _ in functions}
    for round_ in range(args.rounds):
        for n in range(args.cold_starts):
            for name, binary in functions:
                log = os.path.join(args.log_dir, f"py-{name}.log")
                run = cold_start(name, binary, args, event, log)
                run["round"] = round_ + 1
                runs[name].append(run)
        print(f"cold-start.py: round {round_ + 1}/{args.rounds} done (load {loadavg()})", file=sys.stderr)

    print(f"{'function':<20} {'round':>5} {'init ms':>8} {'first ms':>9} {'warm ms':>8} {'exec->page':>11}"
          f" {'posted B':>9} {'body':>18}")
    medians = {}
    for name, _ in functions:
        for scope in [r + 1 for r in range(args.rounds)] + ["all"]:
            starts = [run for run in runs[name] if scope == "all" or run["round"] == scope]
            row = {
                "init": statistics.median(ms(s["init"]) for s in starts),
                "first": statistics.median(ms(s["first"]) for s in starts),
                "warm": statistics.median(ms(w) for s in starts for w in s["warm"]) if args.warm else float("nan"),
                "exec_to_page": statistics.median(ms(s["exec_to_page"]) for s in starts),
            }
            sizes = starts[0]["sizes"]
            body = f"{sizes['coding']}{'+base64' if sizes['base64'] else ''} {sizes['body']}/{sizes['plain']}"
            print(f"{name:<20} {scope:>5} {row['init']:>8.1f} {row['first']:>9.1f} {row['warm']:>8.1f}"
                  f" {row['exec_to_page']:>11.1f} {sizes['posted']:>9} {body:>18}")
            if scope == "all":
                medians[name] = row
    print(f"medians of {args.cold_starts} cold starts x {args.rounds} rounds per function (interleaved, after "
          f"{args.discard} untimed), {args.warm} warm invocations each; load average before {load_before}, "
          f"after {loadavg()}; body: coding, bytes sent/plain")
    names = [name for name, _ in functions]
    baseline = next((name for name in names if name.startswith("baseline")), None)
    for view in [name for name in names if name.startswith("view-share")] if baseline else []:
        ratio = medians[view]["exec_to_page"] / medians[baseline]["exec_to_page"]
        verdict = "met" if ratio <= 1.2 else "MISSED"
        print(f"cold view exec->page: {view} {medians[view]['exec_to_page']:.1f} ms, {baseline} "
              f"{medians[baseline]['exec_to_page']:.1f} ms: {ratio:.2f}x (target <= 1.2x: {verdict})")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"medians": medians, "runs": runs, "load_before": load_before, "load_after": loadavg()},
                      out, indent=1)


if __name__ == "__main__":
    main()
