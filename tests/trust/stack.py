"""The production stack as real processes, for the load and fault tests (issue 8).

gunicorn serves the app with production settings (DEBUG off, collected static files) on the
test's own PostgreSQL database; a private redis-server the test may stop and start; a TCP proxy
between the app and PostgreSQL that the test may cut (every connection dropped, new ones
refused) and restore, which is what the app sees of a database restart. Teachers are threads
posting the survey's final form, as a browser does after the review page.

Nothing here touches the machine's shared services beyond the test database: the Redis and the
proxy are started on free ports and stopped by their own process ids.
"""

from __future__ import annotations

import os
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
# Strings that only a stack trace or Django's debug page contain.
TRACE_MARKERS = ("Traceback", 'File "/', "OperationalError", "psycopg", "Exception Value")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds until `condition` held; fails the test after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(0.1)
    return time.monotonic() - started


def _log_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


# --- a private Redis ---------------------------------------------------------------------------


@dataclass
class PrivateRedis:
    """A redis-server of the test's own on a free port: stop() is an outage, start() the return."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            skip_or_fail("this test needs redis-server on PATH (apt-get install redis-server)")
            return
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                executable, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.directory),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until(self._answers, 10, f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)  # an outage, not a tidy shutdown
            self.process.wait(timeout=10)
        self.process = None

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False


@contextmanager
def private_redis(directory: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(directory=directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- a TCP proxy the test can cut --------------------------------------------------------------


class TcpProxy:
    """127.0.0.1:port -> target, in a thread. cut(): every connection is dropped and new ones are
    refused, as while a database restarts; restore(): connections are accepted again."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._selector = selectors.DefaultSelector()
        self._stopping = False
        self._wake_read, self._wake_write = socket.socketpair()
        self._selector.register(self._wake_read, selectors.EVENT_READ, None)
        self._thread = threading.Thread(target=self._run, name="tcp-proxy", daemon=True)
        self.restore()
        self._thread.start()

    def restore(self) -> None:
        with self._lock:
            if self._listener is not None:
                return
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(64)
            listener.setblocking(False)
            self._listener = listener
            self._selector.register(listener, selectors.EVENT_READ, "accept")
        self._wake()

    def cut(self) -> None:
        with self._lock:
            if self._listener is not None:
                self._selector.unregister(self._listener)
                self._listener.close()
                self._listener = None
            for pair in self._pairs:
                self._drop(pair)
            self._pairs.clear()
        self._wake()

    def close(self) -> None:
        self._stopping = True
        self.cut()
        self._thread.join(timeout=5)

    def _wake(self) -> None:
        self._wake_write.send(b"x")

    def _drop(self, pair: tuple[socket.socket, socket.socket]) -> None:
        for end in pair:
            with suppress(KeyError, ValueError):
                self._selector.unregister(end)
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def _run(self) -> None:
        while not self._stopping:
            for key, _ in self._selector.select(timeout=0.5):
                with self._lock:
                    if key.fileobj is self._wake_read:
                        self._wake_read.recv(4096)
                    elif key.data == "accept" and self._listener is not None:
                        self._accept()
                    elif isinstance(key.data, tuple):
                        self._forward(key.fileobj, key.data)  # type: ignore[arg-type]

    def _accept(self) -> None:
        assert self._listener is not None
        try:
            client, _ = self._listener.accept()
        except BlockingIOError:
            return
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        client.setblocking(False)
        server.setblocking(False)
        pair = (client, server)
        self._pairs.append(pair)
        self._selector.register(client, selectors.EVENT_READ, (server, pair))
        self._selector.register(server, selectors.EVENT_READ, (client, pair))

    def _forward(
        self,
        source: socket.socket,
        data: tuple[socket.socket, tuple[socket.socket, socket.socket]],
    ) -> None:
        destination, pair = data
        if pair not in self._pairs:
            return
        try:
            chunk = source.recv(65536)
            if chunk:
                destination.setblocking(True)
                destination.sendall(chunk)
                destination.setblocking(False)
                return
        except OSError:
            pass  # a reset or broken side ends the pair, exactly like a clean close below
        self._pairs.remove(pair)
        self._drop(pair)


@contextmanager
def tcp_proxy(target_host: str, target_port: int) -> Iterator[TcpProxy]:
    proxy = TcpProxy(target_host, target_port)
    try:
        yield proxy
    finally:
        proxy.close()


# --- gunicorn with production settings ---------------------------------------------------------


def production_environment(*, database_url: str, broker_url: str, queue: str) -> dict[str, str]:
    """What `make prod` reads, pointed at the test's database, broker and queue."""
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "load-and-faults-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        # Production needs a shared cache beside a broker: the same Redis, as docker-compose.yml.
        "CACHE_URL": broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    for test_only in ("TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(test_only, None)
    return environment


def collect_static(static_root: Path) -> None:
    """The manifest the production static storage needs (what `make prod` collects)."""
    environment = production_environment(
        database_url="postgres://unused@127.0.0.1/unused", broker_url="", queue="unused"
    )
    environment["STATIC_ROOT"] = str(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )


@dataclass
class Web:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def text(self) -> str:
        return _log_text(self.log)

    def worker_pids(self) -> set[int]:
        return set(children_of(self.process.pid))

    def healthz(self) -> int:
        try:
            return requests.get(f"{self.url}/healthz", timeout=5).status_code
        except requests.RequestException:
            return 0


@contextmanager
def gunicorn(
    *,
    environment: Mapping[str, str],
    static_root: Path,
    log: Path,
    workers: int = 2,
    threads: int = 4,
) -> Iterator[Web]:
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "journeys.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "5",
            ],
            cwd=ROOT,
            env={**environment, "STATIC_ROOT": str(static_root)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    web = Web(process=process, url=f"http://127.0.0.1:{port}", log=log)
    try:
        deadline = time.monotonic() + 30
        while web.healthz() != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /healthz with 200:\n{web.text()}")
            time.sleep(0.2)
        yield web
    finally:
        if process.poll() is None:
            # Its own process group: the master and its workers, at once (no graceful wait).
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


# --- teachers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One teacher's final submit: what the review page posts."""

    submission_id: str
    role: str
    answers: Mapping[str, int]

    def form(self) -> dict[str, str]:
        return {
            "role": self.role,
            "school": "",
            "submission_id": self.submission_id,
            "lang": "en",
            "action": "submit",
            **{code: str(value) for code, value in self.answers.items()},
        }


def sheets(count: int, answers: Mapping[str, int], role: str = "teacher") -> list[Sheet]:
    return [Sheet(str(uuid.uuid4()), role, answers) for _ in range(count)]


@dataclass(frozen=True)
class Reply:
    status: int
    seconds: float
    body: str


def submit(url: str, sheet: Sheet, session: requests.Session | None = None) -> Reply:
    started = time.monotonic()
    try:
        response = (session or requests).post(
            url, data=sheet.form(), allow_redirects=False, timeout=30
        )
    except requests.RequestException as error:
        return Reply(0, time.monotonic() - started, f"no answer: {error}")
    return Reply(response.status_code, time.monotonic() - started, response.text)


def submit_all(url: str, batch: list[Sheet], concurrency: int = 50) -> list[Reply]:
    """Every sheet posted at once by `concurrency` threads, each with its own connection."""
    local = threading.local()

    def one(sheet: Sheet) -> Reply:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return submit(url, sheet, local.session)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, batch))


# --- the test process's own Celery producer ----------------------------------------------------


@contextmanager
def celery_sending_to(broker_url: str, queue: str) -> Iterator[None]:
    """This process sends real tasks to `broker_url` on `queue`, as the web app and beat do."""
    from journeys.celery import app

    saved = {
        key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")
    }
    app.conf.update(task_always_eager=False, broker_url=broker_url, task_default_queue=queue)
    _reset_producers(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_producers(app)


def _reset_producers(app: object) -> None:
    # Connections and the queue table are built from the configuration on first use.
    app._pool = None  # type: ignore[attr-defined]
    app.__dict__.pop("amqp", None)
