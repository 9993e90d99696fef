"""Evidence files left in storage without an `Attachment` row, and their removal.

`services.attachment_add` stores the file, then saves the row; when the row's save fails it deletes the
file at once. Django has no hook for the rollback of an enclosing transaction, so a file stored inside a
transaction that a caller then rolls back stays behind with no row. This module finds such files under
the attachments' prefix (`nominations/<dossier id>/<random hex>.<ext>`, see `models.attachment_path`) and
deletes those older than a grace period, so a file whose transaction is still open is never touched.
Run by `manage.py nominations_clean_orphans` (docs/operations.md) and by the daily beat job.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone

from .models import ATTACHMENT_EXTENSIONS, Attachment

PREFIX = "nominations"
DEFAULT_GRACE = datetime.timedelta(hours=1)
# Only names the upload path generates: another app's files under the prefix are never touched.
GENERATED_NAME = re.compile(
    r"^[0-9a-f]{32}(" + "|".join(re.escape(ext) for ext in sorted(set(ATTACHMENT_EXTENSIONS.values()))) + r")$"
)


@dataclass
class OrphanReport:
    found: list[str] = field(default_factory=list)  # names with no row, old enough
    deleted: list[str] = field(default_factory=list)
    recent: int = 0  # names with no row, inside the grace period (left alone)


def _stored_names(storage) -> list[str]:
    try:
        dirs, _ = storage.listdir(PREFIX)
    except FileNotFoundError:
        return []
    names = []
    for directory in dirs:
        if not directory.isdigit():
            continue
        _, files = storage.listdir(f"{PREFIX}/{directory}")
        names += [f"{PREFIX}/{directory}/{name}" for name in files if GENERATED_NAME.match(name)]
    return sorted(names)


def orphan_files_clean(
    *, grace: datetime.timedelta = DEFAULT_GRACE, dry_run: bool = False, storage=None
) -> OrphanReport:
    """Delete stored evidence files that no `Attachment` row names and that are older than `grace`.

    One query for the rows of the whole prefix; one storage listing per dossier directory. With `dry_run`
    nothing is deleted. Side effects: files removed from storage.
    """
    storage = storage or Attachment._meta.get_field("file").storage
    known = set(Attachment.objects.filter(file__startswith=f"{PREFIX}/").values_list("file", flat=True))
    cutoff = timezone.now() - grace
    report = OrphanReport()
    for name in _stored_names(storage):
        if name in known:
            continue
        try:
            modified = storage.get_modified_time(name)
        except (NotImplementedError, FileNotFoundError):
            continue  # cannot tell its age: left alone
        if modified > cutoff:
            report.recent += 1
            continue
        report.found.append(name)
        if not dry_run:
            storage.delete(name)
            report.deleted.append(name)
    return report
