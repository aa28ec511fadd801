"""gunicorn's settings for UnionServe: ``gunicorn -c python:unionserve.gunicorn_conf unionserve.wsgi``.

The numbers are the sizing of docs/operations.md ("Sizing"), measured with the 12351 load benchmark; set
``WEB_WORKERS`` and ``WEB_THREADS`` to change them. Each thread holds its own database connection
(``DB_CONN_MAX_AGE``), so PostgreSQL needs ``max_connections`` ≥ workers × threads + Celery's concurrency + a
few for beat and the operators.
"""

import multiprocessing
import os

# One process per core; threads in each so that a request waiting on the database does not hold a core.
workers = int(os.environ.get("WEB_WORKERS", str(multiprocessing.cpu_count())))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
bind = os.environ.get("WEB_BIND", "127.0.0.1:8001")
backlog = 512
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))  # exports and statistics pages of a whole city take seconds
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter, so they do not all restart at once): bounds any
# slow growth of memory over weeks.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("WEB_ACCESS_LOG", "-")
# The TLS proxy in front sets X-Forwarded-Proto; only trust it from the proxy's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
