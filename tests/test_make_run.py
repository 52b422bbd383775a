"""`make run` on a fresh machine: its embedded defaults (SQLite, no server) build the whole demo.

The rest of the suite runs on the database CI gives it (PostgreSQL); this runs the steps of
`make demo` as `make run` does, in a fresh SQLite database, because SQLite has limits of its
own (the demo once failed there on a query PostgreSQL took in its stride).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_demo_make_run_dibangun_di_sqlite(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": "",  # the embedded default: SQLite under VAR_DIR
        "VAR_DIR": str(tmp_path),
        "CACHE_URL": "",
        "CELERY_BROKER_URL": "",
    }
    for langkah in (["migrate", "--noinput", "-v0"], ["impor_instansi"], ["siapkan_demo"]):
        hasil = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", *langkah], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert hasil.returncode == 0, f"manage.py {' '.join(langkah)} gagal:\n{hasil.stderr[-3000:]}"
    assert "demo-bkn-2023" in hasil.stdout
