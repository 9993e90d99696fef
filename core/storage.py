"""Media on the file system, written whole or not at all.

Django's FileSystemStorage writes an upload straight into its final name (or copies a large upload's
temporary file there): a full disk, a quota or a killed process leaves a half file under a name that looks
valid. Here the bytes go to a hidden temporary file in the same folder first (flushed and fsynced), which is
then renamed into place by Django's own loop (a free name, the permissions); on any error the temporary file
is removed and the error raised, so no row ever points at a half file and none is left behind
(ops/tests/test_faults_disk.py). `MEDIA_STORAGE=file` (config/stateless.py) uses it.
"""

import os
import tempfile

from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_makedirs

STAGING_PREFIX = ".upload-"
STAGING_SUFFIX = ".part"


class _Staged:
    """What FileSystemStorage._save moves (rename within the folder) instead of streaming."""

    def __init__(self, path: str):
        self.path = path

    def temporary_file_path(self) -> str:
        return self.path


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        directory = os.path.dirname(self.path(name))
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        fd, staged = tempfile.mkstemp(prefix=STAGING_PREFIX, suffix=STAGING_SUFFIX, dir=directory)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk.encode() if isinstance(chunk, str) else chunk)
                out.flush()
                os.fsync(out.fileno())
            return super()._save(name, _Staged(staged))
        finally:
            if os.path.exists(staged):  # renamed into place on success; removed on any error
                os.unlink(staged)
