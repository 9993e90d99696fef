"""The workflow of a ballot round (core.workflow): created → open → closed → published.

    created ──Mở bỏ phiếu (quorum)──▶ open ──Kết thúc bỏ phiếu──▶ closed ──Công bố kết quả──▶ published
    closed ──Mở lại (lý do)──▶ open          closed ──Kiểm phiếu lại (lý do)──▶ closed

Only the meeting's chair acts. Opening freezes the rules of each agenda item and the members entitled to
an electronic sheet; closing rewrites the ballot rows in random order, hashes them and counts; publishing
sends each result to the nominations' workflow (council_approve / council_reject). Every step, with the
reason of a reopening or a recount, is a TransitionLog row (who, when, from, to, comment).
"""

from django.utils import timezone

from core.workflow import COMMENT_REQUIRED, Transition, Workflow

from . import box
from .enums import RoundStatus as R
from .models import Round
from .rules import is_meeting_chair

CHAIR_ONLY = "Chỉ Chủ tịch Hội đồng chủ trì phiên họp mới thực hiện được thao tác này."


def may_chair(user, round_) -> bool:
    return is_meeting_chair(user, round_.meeting)


def _now_field(name):
    return lambda ctx: {name: timezone.now()}


ROUND_WORKFLOW = Workflow(
    name="council_round",
    model=Round,
    states=R,
    noun="vòng bỏ phiếu",
    transitions=[
        Transition(
            action="open",
            label="Mở bỏ phiếu",
            sources=(R.CREATED,),
            target=R.OPEN,
            allowed=may_chair,
            refusal=CHAIR_ONLY,
            guards=(box.guard_open,),
            fields=box.freeze,
            style="primary",
            done="Đã mở bỏ phiếu.",
        ),
        Transition(
            action="close",
            label="Kết thúc bỏ phiếu",
            sources=(R.OPEN,),
            target=R.CLOSED,
            allowed=may_chair,
            refusal=CHAIR_ONLY,
            fields=_now_field("closed_at"),
            effects=(box.seal,),
            style="warning",
            done="Đã kết thúc bỏ phiếu và kiểm phiếu.",
        ),
        Transition(
            action="recount",
            label="Kiểm phiếu lại",
            sources=(R.CLOSED,),
            target=R.CLOSED,
            allowed=may_chair,
            refusal=CHAIR_ONLY,
            comment=COMMENT_REQUIRED,
            comment_label="Lý do kiểm phiếu lại",
            effects=(box.count,),
            style="secondary",
            done="Đã kiểm phiếu lại.",
        ),
        Transition(
            action="reopen",
            label="Mở lại bỏ phiếu",
            sources=(R.CLOSED,),
            target=R.OPEN,
            allowed=may_chair,
            refusal=CHAIR_ONLY,
            comment=COMMENT_REQUIRED,
            comment_label="Lý do mở lại",
            fields=lambda ctx: {"closed_at": None, "results": {}, "ballots_sha256": ""},
            style="secondary",
            done="Đã mở lại bỏ phiếu.",
        ),
        Transition(
            action="publish",
            label="Công bố kết quả",
            sources=(R.CLOSED,),
            target=R.PUBLISHED,
            allowed=may_chair,
            refusal=CHAIR_ONLY,
            guards=(box.guard_publish,),
            fields=_now_field("published_at"),
            effects=(box.count, box.results_to_nominations),
            style="success",
            done="Đã công bố kết quả; kết quả đã chuyển vào hồ sơ đề nghị.",
        ),
    ],
)
