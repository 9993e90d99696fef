# The engine's test kind and its school, for the other test modules of the documents app.
from .test_engine import check_kind, school  # noqa: F401 - fixtures, found by pytest by name
