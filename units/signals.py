"""Signals units sends for other apps to act on; units itself knows no other app.

`account_mail` asks for one e-mail to an account (the invitation of a new
account, a «Quên mật khẩu» link). The notifications app connects a receiver
(NotificationsConfig.ready) that writes it to its outbox, so the mail is sent by
the worker with retries and never inside the web request. Sent inside the
transaction of the change: the outbox row commits, or rolls back, with it.
"""

from django.dispatch import Signal

account_mail = Signal()  # kwargs: user, to, subject, body, reference
