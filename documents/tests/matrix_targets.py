"""The documents objects the permission matrix (core/tests/test_permission_matrix.py) asks about.

"Cấp số tờ trình" needs a draft dossier without a tờ trình number (the matrix's year-end dossier has one):
an exemplary-round dossier of the school under the simplified procedure, made through the service as the
school would, reused when already there (dossier_create returns the open draft)."""

from nominations import services
from nominations.enums import Procedure, RoundKind

SUBMISSION_KIND = "submission"


def unnumbered_dossier(school) -> int:
    return services.dossier_create(
        by=None,
        unit=school,
        round_kind=RoundKind.EXEMPLARY,
        school_year=2025,
        procedure=Procedure.SIMPLIFIED,
        title="Đề nghị khen thưởng đột xuất (chưa cấp số tờ trình)",
    ).pk
