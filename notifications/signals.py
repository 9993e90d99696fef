"""`mail_sent` is sent after an outbox row was accepted by the SMTP server and marked sent.

Apps that must know (campaigns marks a deadline reminder sent) connect a receiver
that filters on `mail.reference` and calls one of their services.
"""

from django.dispatch import Signal

mail_sent = Signal()  # kwargs: mail (OutgoingMail)
