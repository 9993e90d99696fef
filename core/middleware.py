"""Security headers Django does not set itself, and the cap on a request's body.

Content-Security-Policy comes from django-csp, Referrer-Policy, X-Content-Type-Options and
Cross-Origin-Opener-Policy from Django's SecurityMiddleware (config/settings.py); this adds
Permissions-Policy: the browser features no page of the portal uses (camera, microphone…) are
refused to every page, and to any script that an injection might slip in.

RequestBodyLimitMiddleware refuses a body larger than the largest upload (413, in Vietnamese) before it is read.
"""

from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from core.asgi import REFUSED as REFUSED_UNDER_ASGI


class SettingsCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, building the header from the settings once per process instead of per response.

    django-csp 4.0 builds both headers (the policy and the report-only one) on every response: each directive
    copied, sorted and joined, about 0.1 ms of a bare page's CPU. A response whose policy is the settings' alone
    (no nonce used, no @csp_update/@csp_replace/@csp_exempt-style override on the response) gets the same bytes
    every time, so they are built once and kept until a setting changes (tests' override_settings). Anything
    else goes to django-csp unchanged, and so does the DEBUG exemption of error pages.
    """

    _built: dict[bool, str] = {}

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _CSP_RESPONSE_ATTRS
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for report_only, header, setting in _CSP_HEADERS:
            csp = self._built.get(report_only)
            if csp is None:
                csp = self._built[report_only] = build_policy(report_only=report_only)
            if csp and header not in response:
                prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
                if not prefixes or not request.path_info.startswith(tuple(prefixes)):
                    response[header] = csp
        # As django-csp: a nonce asked for after the header was written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


# What django-csp's decorators put on a response (a per-view policy, or an exemption).
_CSP_RESPONSE_ATTRS = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt",
    "_csp_exempt_ro",
)
_CSP_HEADERS = (
    (False, "Content-Security-Policy", "CONTENT_SECURITY_POLICY"),
    (True, "Content-Security-Policy-Report-Only", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
)


@receiver(setting_changed)
def _forget_csp(**kwargs) -> None:
    SettingsCSPMiddleware._built.clear()


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


class RequestBodyLimitMiddleware:
    """Refuses a request body larger than the portal reads (core.uploads.request_body_max_bytes: the largest
    upload limit plus a margin) with a Vietnamese 413 page, before anything is read or spooled to disk.

    nginx's client_max_body_size does the same in front of the portal (docs/operations.md), but not every
    deployment has it. Three cases:
    - a declared Content-Length over the cap: refused at once, the body never read;
    - a chunked body (Transfer-Encoding, no Content-Length): Django's WSGI request reads no body without a
      length, so the upload would silently vanish; read here instead, counted while it is read, into a spooled
      temporary file (memory up to FILE_UPLOAD_MAX_MEMORY_SIZE), refused as soon as it passes the cap, else
      handed to Django with its length (only when the server marks the input as terminated, as gunicorn does:
      reading an unterminated socket to its end would block);
    - a multipart body whose files pass the cap while Django's parser reads them (core.uploads
      .BodyCapUploadHandler marks the request): refused before the view runs, so no view acts on half a form.
    Sits after the CSP and Permissions-Policy middleware, so the 413 page carries the security headers.
    Under ASGI Django reads the whole body before any middleware runs: core.asgi.RequestBodyCap (config/asgi.py)
    stops receiving at the cap and marks the scope, and this answers with the same page.
    """

    BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if getattr(request, "scope", {}).get(REFUSED_UNDER_ASGI):
            return too_large(_limit())  # core.asgi.RequestBodyCap stopped receiving the body at the cap
        if meta.get("CONTENT_LENGTH"):
            try:
                declared = int(meta["CONTENT_LENGTH"])
            except ValueError:
                declared = 0  # Django reads no body for a length it cannot parse
            if declared > (limit := _limit()):
                return too_large(limit)
        elif request.method in self.BODY_METHODS and "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
            if not self._read_chunked(request, limit := _limit()):
                return too_large(limit)
        response = self.get_response(request)
        if getattr(request, "body_too_large", False):
            return too_large(_limit())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Parse a multipart body now (CsrfViewMiddleware, next, would do it anyway) so that the upload handler's
        # verdict is known before any view sees the half-read form.
        if request.method in self.BODY_METHODS and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 - parsing is the point
            except OSError:
                return None  # a broken connection: CsrfViewMiddleware and the view see the same as before
            if getattr(request, "body_too_large", False):
                return too_large(_limit())
        return None

    @staticmethod
    def _read_chunked(request, limit: int) -> bool:
        """Read a chunked body into a spooled file and give it to Django with its length; False past `limit`."""
        import tempfile

        from django.core.handlers.wsgi import LimitedStream

        source = request.META.get("wsgi.input")
        if source is None or not request.META.get("wsgi.input_terminated"):
            return True  # nothing Django would read, nothing to count
        body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
        total = 0
        while chunk := source.read(64 * 1024):
            total += len(chunk)
            if total > limit:
                body.close()
                return False
            body.write(chunk)
        body.seek(0)
        request.META["CONTENT_LENGTH"] = str(total)
        request._stream = LimitedStream(body, total)
        return True


def _limit() -> int:
    from core.uploads import request_body_max_bytes

    return request_body_max_bytes()


def too_large(limit: int):
    """The Vietnamese 413 page (templates/413.html), rendered without a request context: no session, no user,
    nothing read from the database for a request that is refused unread."""
    from django.http import HttpResponse
    from django.template import loader

    from core.uploads import UPLOAD_LIMIT_SETTINGS, size_label

    def limit_of(name: str) -> str:
        return size_label(int(getattr(settings, name, UPLOAD_LIMIT_SETTINGS[name])))

    context = {
        "limit": size_label(limit),
        "evidence": limit_of("NOMINATION_ATTACHMENT_MAX_BYTES"),
        "scan": limit_of("DOCUMENT_SCAN_MAX_BYTES"),
        "workbook": limit_of("IMPORT_MAX_BYTES"),
    }
    return HttpResponse(loader.get_template("413.html").render(context), status=413)
