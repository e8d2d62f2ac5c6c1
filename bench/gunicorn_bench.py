"""gunicorn for the load test: 2 workers on the loopback, the application preloaded as in
gunicorn.conf.py, but no access log (at thousands of requests/s the log pipe would be
measured instead of the site)."""

import os

wsgi_app = "cmforum.wsgi:application"
bind = os.environ["BENCH_BIND"]
workers = 2
preload_app = True
timeout = 30
graceful_timeout = 5
