"""gunicorn settings for `make serve` and for deployments (gunicorn reads ./gunicorn.conf.py
on its own). BIND and WEB_CONCURRENCY override the address and the number of workers."""

import os


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except AttributeError:
        return os.cpu_count() or 1


wsgi_app = "cmforum.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# The usual rule for synchronous workers: two per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cpus() + 1)
# The application is loaded once, in the master: a missing SECRET_KEY stops the server
# at start with one message, instead of every worker failing to boot.
preload_app = True
timeout = 30
graceful_timeout = 10
accesslog = "-"
