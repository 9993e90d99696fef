"""Every document kind, one module each; importing this package registers them (DocumentsConfig.ready)."""

from . import (
    council,  # noqa: F401
    decision,  # noqa: F401
    dossier,  # noqa: F401
    pack,  # noqa: F401
    plan,  # noqa: F401
    reports,  # noqa: F401
)
