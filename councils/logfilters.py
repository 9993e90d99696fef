"""Keep the ballot box out of the logs.

With DEBUG (or a debug cursor) Django logs every SQL statement with its parameters on the
`django.db.backends` logger: the INSERT of a ballot row would carry the choice next to a time. This
filter, attached to that logger in settings.LOGGING, drops every statement that touches a ballot-box
table. (`connection.queries`, kept in memory under DEBUG only, is not a log; production runs without DEBUG.)
"""

import logging

BALLOT_BOX_TABLES = ("councils_ballot", "councils_voterroll", "councils_receiptcode")


class HideBallotBox(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        sql = str(getattr(record, "sql", "") or "")
        text = sql or str(record.msg)
        return not any(table in text for table in BALLOT_BOX_TABLES)
