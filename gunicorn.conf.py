"""gunicorn's settings wherever the app is served (`make prod`, Docker, the tests' real servers):
gunicorn reads ./gunicorn.conf.py from its working directory by itself.

The access log keeps nothing about who asked (SECURITY.md): no client address, no user agent, no
referrer, no query string and no timestamp of its own. A line says what was asked, the answer
and how long it took. The default format would put a teacher's address and browser next to the
moment they submitted the survey.
"""

access_log_format = "%(m)s %(U)s %(s)s %(b)s %(M)sms"


def post_worker_init(worker: object) -> None:
    """In the embedded mode (no broker, `make run`), the minute sweep that beat sends in
    production runs in a thread of each web process: a campaign whose closing time passes is
    released without anyone pressing "Close now". With a broker set this starts nothing."""
    from journeys.embedded_beat import embedded_beat_start

    embedded_beat_start()


def worker_exit(server: object, worker: object) -> None:
    """A worker that stops (a deploy, a restart, max_requests) writes the audit log's waiting
    reads before it goes (journeys.audit_buffer). atexit does the same on a normal exit; this
    hook also runs when gunicorn ends the worker itself."""
    from journeys.audit_buffer import audit_buffer

    audit_buffer.flush()
