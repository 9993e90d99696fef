"""Every document kind, one module each; importing this package registers them (DocumentsConfig.ready)."""
from . import council  # noqa: F401
from . import decision  # noqa: F401
from . import reports  # noqa: F401
from . import pack  # noqa: F401
from . import dossier  # noqa: F401
from . import plan  # noqa: F401
