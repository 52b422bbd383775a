"""Storages that fail as real ones do: a disk that fills up midway, a folder the server may not write to,
an object store whose connection drops, a worker killed right after writing a file.

Each is a FileSystemStorage on the test's own folder (the same one the rest of the test reads), failing
only in ``_save``: what it wrote before failing stays on disk, as it would on a real full disk, so the
tests see whether our code cleans it up.
"""

import errno
import os
from pathlib import Path

from django.core.files.storage import FileSystemStorage


class PenyimpananPenuh(FileSystemStorage):
    """A disk with ``ruang`` bytes free: a write stops where the space ends, leaving what it wrote, with ENOSPC.

    A file that does not fit is left partly written; one begun when no space is
    left is left empty (0 bytes), as the operating system leaves them.
    """

    def __init__(self, *, ruang, **kwargs):
        super().__init__(**kwargs)
        self.ruang = ruang

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as f:
            for potongan in content.chunks():
                muat = potongan[: self.ruang]
                f.write(muat)
                self.ruang -= len(muat)
                if len(muat) < len(potongan):
                    f.flush()
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return name


class PenyimpananTerkunci(FileSystemStorage):
    """A folder the server's user may not write to (the tests may run as root, who could)."""

    def _save(self, name, content):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), self.path(name))


class PenyimpananPutus(FileSystemStorage):
    """An object store whose connection drops halfway through the upload (``ConnectionResetError``)."""

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        data = b"".join(content.chunks())
        path.write_bytes(data[: len(data) // 2])
        raise ConnectionResetError(errno.ECONNRESET, os.strerror(errno.ECONNRESET))


class PenyimpananTakTerhapus(FileSystemStorage):
    """Stores, but cannot delete (an object store refusing the request)."""

    def delete(self, name):
        raise OSError(errno.EIO, os.strerror(errno.EIO), name)


class WorkerMati(BaseException):
    """The worker process killed (SIGKILL, out of memory): no ``except Exception`` runs, nothing is committed."""


class PenyimpananLaluMati(FileSystemStorage):
    """Writes the whole file, then the worker dies before anything else happens."""

    def _save(self, name, content):
        super()._save(name, content)
        raise WorkerMati(name)


def semua_berkas(folder):
    """Every file under ``folder`` with its size, as {path relative to it: bytes}."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*")) if p.is_file()}


def pakai_penyimpanan(settings, alias, kelas, **opsi):
    """Make ``storages[alias]`` an instance of ``kelas`` on the same folder as the test's usual one."""
    lokasi = settings.STORAGES[alias]["OPTIONS"]["location"]
    settings.STORAGES = {
        **settings.STORAGES,
        alias: {
            "BACKEND": f"{kelas.__module__}.{kelas.__qualname__}",
            "OPTIONS": {"location": lokasi, **opsi},
        },
    }
