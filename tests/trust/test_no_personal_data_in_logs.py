"""The production access log keeps nothing about who asked: gunicorn reads ./gunicorn.conf.py
wherever the app is served, and its access log format leaves out the address, the browser, the
referrer, the query string and the time (SECURITY.md)."""

from __future__ import annotations

import datetime as dt
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "203.0.113.7"
BROWSER = "Mozilla/5.0 (iPad; CPU OS 17_0) Safari/604.1"


def access_line(log_format: str) -> str:
    config = Config()
    config.set("access_log_format", log_format)
    environ = {
        "REMOTE_ADDR": ADDRESS,
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/s/Zk3Qd8wB/?lang=es",
        "PATH_INFO": "/s/Zk3Qd8wB/",
        "QUERY_STRING": "lang=es",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": BROWSER,
        "HTTP_REFERER": "https://mail.example.org/",
    }
    request = SimpleNamespace(headers=[("USER-AGENT", BROWSER), ("X-FORWARDED-FOR", ADDRESS)])
    response = SimpleNamespace(status="303 See Other", sent=0, headers=[])
    atoms = Logger(config).atoms(response, request, environ, dt.timedelta(milliseconds=12))
    return log_format % atoms


def test_an_access_log_line_names_the_request_and_nobody() -> None:
    log_format = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["access_log_format"]
    line = access_line(log_format)
    assert line == "POST /s/Zk3Qd8wB/ 303 0 12ms"
    # The check itself: gunicorn's default format would give them all away.
    default = access_line(Config().access_log_format)
    assert ADDRESS in default
    assert BROWSER in default


def test_gunicorn_reads_the_file_from_the_apps_directory() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "journeys.wsgi:application"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "access_log_format                  = %(m)s %(U)s %(s)s %(b)s %(M)sms" in printed
