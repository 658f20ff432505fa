"""Gunicorn settings for the forum: ``gunicorn -c deploy/gunicorn.conf.py``.

Gunicorn listens on the loopback interface only; Nginx, on the same machine, is what the
world talks to (see deploy/nginx/). The app reads its own settings from ``BBS_*`` variables
(deploy/bbs.service sets them). Command-line options override these values, e.g.
``--bind 127.0.0.1:9000`` or ``--workers 8``.
"""

import multiprocessing
import os

wsgi_app = "bbs:create_app()"

# Loopback only: a request that skipped Nginx would also skip its forwarded headers.
bind = ["127.0.0.1:8000"]

# Synchronous workers, each a process with its own database connections. Two per core plus
# one is Gunicorn's usual start; WEB_CONCURRENCY overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A sync worker can't serve the live notification stream for long (each stream would hold the
# process, and `timeout` kills it), so deploy/bbs.env.example sets BBS_NOTIFICATIONS_STREAM=false;
# or use worker_class = "gthread" with threads = 25 (docs/deploy.md, "Live notifications").
timeout = 30
graceful_timeout = 20
# Start each worker afresh now and then, so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200

# The app applies X-Forwarded-* itself (BBS_PROXY_FIX=1, trusting exactly one proxy), so
# Gunicorn must not also rewrite the scheme from them.
forwarded_allow_ips = ""

# Logs go to standard output and error: systemd's journal keeps them.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Refuse oversized request lines and headers early (Nginx limits them first).
limit_request_line = 8190
limit_request_fields = 100
