"""A storage with no local files, for the tests that prove media go through Django's storage API only.

Like an S3 bucket (MEDIA_STORAGE=s3): no `path()`, so code that reaches for a local file (`FieldFile.path`,
`open(settings.MEDIA_ROOT / …)`) fails at once. Everything is kept in memory; the test also checks that
MEDIA_ROOT stayed empty.
"""

import os

from django.core.files.storage import InMemoryStorage
from django.utils._os import safe_join

BACKEND = "core.tests.storage.NoLocalFilesStorage"


class NoLocalFilesStorage(InMemoryStorage):
    def path(self, name):
        raise NotImplementedError("This backend has no local paths (as S3Storage).")

    def _relative_path(self, name):
        # InMemoryStorage names its nodes through path(): the same name, without the public method.
        return os.path.relpath(safe_join(self.location, name), self.location)


class OverwritingNoLocalFilesStorage(NoLocalFilesStorage):
    """Overwrites a name in place and refuses deletes, as S3Storage with file_overwrite=True (one PUT)."""

    def get_available_name(self, name, max_length=None):
        return name

    def delete(self, name):
        raise AssertionError(f"deleted {name!r}: an overwriting storage replaces in one write")


def use(settings, tmp_path, backend: str = BACKEND):
    """Make `backend` the default storage and MEDIA_ROOT an empty folder; returns that folder."""
    media = tmp_path / "media-must-stay-empty"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend}}
    return media


def files_on_disk(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
