"""The cap on a request's body under ASGI (config/asgi.py): nothing past the cap is read.

Under WSGI core.middleware.RequestBodyLimitMiddleware refuses an oversized body before it is read: gunicorn hands
Django a stream and nothing reads it until a view asks. Under ASGI Django's handler reads the whole body into a
temporary file (memory, then disk) before any middleware runs, so the middleware would refuse a body that had
already been taken in full. RequestBodyCap wraps the ASGI application and stands between the server and Django:

- a declared Content-Length over the cap: Django is given an empty body at once and the server's body is never
  received;
- a body that grows past the cap while it is received (chunked, or a server that does not enforce the declared
  length): receiving stops at the first message that passes the cap, Django is told the body ended there (it
  holds at most the cap) and the rest is never received.

Either way the scope is marked (REFUSED) and Django's own stack answers: RequestBodyLimitMiddleware returns the same
Vietnamese 413 page (templates/413.html) with the same security headers as under WSGI, because the page and the
headers are made by the same code. A body within the cap is passed on message by message, unchanged.
"""

import asyncio

# Set in the scope of a request whose body was refused; core.middleware.RequestBodyLimitMiddleware answers 413.
REFUSED = "core.request_body_refused"


def declared_length(scope) -> int | None:
    """The Content-Length the client declared, as Django reads it (several headers joined: unparsable), or None."""
    values = [value for name, value in scope.get("headers", ()) if name.lower() == b"content-length"]
    if not values:
        return None
    try:
        return int(b",".join(values))
    except ValueError:
        return None


class RequestBodyCap:
    """ASGI middleware: refuse a body over core.uploads.request_body_max_bytes() without receiving it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        from core.uploads import request_body_max_bytes

        scope = dict(scope)  # the server's scope is left as it was; Django reads this copy after the body
        capped = CappedReceive(receive, scope, request_body_max_bytes())
        declared = declared_length(scope)
        if declared is not None and declared > capped.limit:
            capped.refuse()
        return await self.app(scope, capped, send)


class CappedReceive:
    """The server's `receive`, counting the body and stopping at the cap.

    After a refusal Django asks for one more message only to notice a client's disconnect while the 413 page is made
    (ASGIHandler.listen_for_disconnect); that call waits until it is cancelled, so no more of the body is received
    (passing it on would also hand Django a body message after the end of the body, which it rejects)."""

    def __init__(self, receive, scope: dict, limit: int):
        self.receive = receive
        self.scope = scope
        self.limit = limit
        self.received = 0  # bytes of the body received from the server
        self.refused = False
        self.ended = False  # Django has been given the end of the body

    def refuse(self):
        self.refused = True
        self.scope[REFUSED] = True

    async def __call__(self):
        if self.refused:
            if self.ended:
                await asyncio.get_running_loop().create_future()  # until Django cancels it
            self.ended = True
            return {"type": "http.request", "body": b"", "more_body": False}
        message = await self.receive()
        if message["type"] != "http.request" or self.ended:
            return message
        self.received += len(message.get("body", b""))
        if self.received > self.limit:
            self.refuse()
            self.ended = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if not message.get("more_body", False):
            self.ended = True
        return message
