"""onpoint's tasks, found by their declared names: services enqueue through here, never by
importing tasks.py (which imports the services: style.md, "tasks.py imports services").

The task object comes from Celery's registry rather than `app.send_task(name)`: `send_task`
ignores CELERY_TASK_ALWAYS_EAGER and would look for a broker in the embedded mode, where the
registered task runs in this process instead. A process that has not discovered the tasks yet
(a web process) runs Celery's autodiscovery on the first lookup, as a worker does when it starts.
"""

from __future__ import annotations

from typing import Any

from celery import Task, current_app

# As declared in onpoint/tasks.py (`@shared_task(name=...)`) and named by the beat schedule.
RECOMPUTE_CAMPAIGN = "onpoint.tasks.recompute_campaign"
REBUILD_BENCHMARKS = "onpoint.tasks.rebuild_benchmarks"

UNKNOWN_TASK = "no task named {name!r} is registered (is onpoint in INSTALLED_APPS?)"


def task_named(name: str) -> Task[Any, Any]:
    """The registered task called `name`; LookupError naming it when there is none."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()
    try:
        return app.tasks[name]
    except KeyError as missing:
        raise LookupError(UNKNOWN_TASK.format(name=name)) from missing


def tasks_run_eagerly() -> bool:
    """The embedded mode: no broker, tasks run in the calling process (settings.py)."""
    return bool(current_app.conf.task_always_eager)
