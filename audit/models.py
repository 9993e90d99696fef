"""History for the models that do not declare it themselves.

Unit, Person, UnitRole, AwardType, AwardRule and AuthorityRoute carry `history = HistoricalRecords()`
in their own apps. The others listed in `registry.AUDITED_MODELS` get theirs here,
with their history tables in this app, so that auditing is one opt-in list and a
model that must never be traced (the councils' ballot box) is simply not named.
"""

from simple_history import register

from awards.models import (
    AuthorityRouteStep,
    AwardRecord,
    DisciplinePeriod,
    Initiative,
    Revocation,
    ServicePeriod,
    TaskEvaluation,
)
from campaigns.models import Campaign, Registration
from documents.models import GeneratedDocument, ScannedOriginal

for _model in (
    AwardRecord,
    Revocation,
    TaskEvaluation,
    Initiative,
    DisciplinePeriod,
    ServicePeriod,
    AuthorityRouteStep,
    Campaign,
    Registration,
    GeneratedDocument,
    ScannedOriginal,
):
    if not hasattr(_model, "history"):
        # AwardRecord.unit_path is its owner's path, rewritten in bulk by transfers and unit moves: not history.
        register(_model, app="audit", excluded_fields=["unit_path"] if _model is AwardRecord else [])
