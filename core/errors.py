"""The portal's answer to an unhandled error (config/urls.py: handler500).

A fault outside the code is not a bug, and the user should be told what to do: the database unreachable
(restarted, failing over) or the disk full answer 503 with a Vietnamese page and a Retry-After; anything
else is Django's 500 page. The pages are rendered without a request context (no context processor reads the
database that just failed), and the exception is still logged by Django as for any 500 (log_response).
"""

import errno
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30
# No space left, a quota, the file-size limit of the process: the write failed, nothing of it was kept.
STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def storage_full(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in STORAGE_FULL_ERRNOS:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def database_unavailable(exc: BaseException | None) -> bool:
    """Django wraps psycopg's errors: OperationalError (cannot connect, the server closed the connection,
    shutting down) and InterfaceError (the connection is already closed)."""
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_reason(exc: BaseException | None) -> str | None:
    if database_unavailable(exc):
        return "database"
    if storage_full(exc):
        return "storage"
    return None


@requires_csrf_token
def server_error(request, template_name="500.html"):
    reason = unavailable_reason(sys.exc_info()[1])
    if reason is None:
        return HttpResponseServerError(loader.get_template(template_name).render())
    response = HttpResponse(loader.get_template("503.html").render({"reason": reason}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
