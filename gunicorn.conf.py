"""gunicorn's settings for production (read by gunicorn from the working directory; docker-compose.yml).

Sized by the machine: 2 × cores + 1 worker processes, the usual rule for a mostly
database-bound Django site, each with GUNICORN_THREADS threads (default 1: sync workers).
Every worker thread keeps one persistent database connection (DB_CONN_MAX_AGE), so
workers × threads must stay well under PostgreSQL's max_connections (100 by default)
together with the Celery workers'. A request gets GUNICORN_TIMEOUT seconds.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
# The application is loaded once, before the workers fork: a worker replaced under load (below)
# starts in milliseconds instead of spending a second of CPU importing Django beside the others.
# Nothing opens a database or Redis connection at import time.
preload_app = True
# A worker is replaced after this many requests, slightly staggered: a slow leak cannot grow for ever.
max_requests = 5000
# Spread widely: workers started together would otherwise be replaced together, all at once.
max_requests_jitter = 2500
accesslog = "-"
