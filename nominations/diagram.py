"""The state diagrams of the dossier and nomination workflows, generated from their tables.

`docs/nominations_workflows.md` is this module's output (`workflows_markdown()`); a test fails when the
tables change and the page was not regenerated:

    .venv/bin/python manage.py shell -c "from nominations.diagram import write; write()"
"""

from pathlib import Path

from django.conf import settings

from core.workflow import Workflow

from .workflows import DOSSIER_WORKFLOW, NOMINATION_WORKFLOW

DOC = "docs/nominations_workflows.md"
CAPABILITY = {
    "may_send_to_head": "FILE, không SIGN (thư ký) trên đơn vị đề nghị",
    "may_sign": "SIGN (thủ trưởng) trên đơn vị đề nghị",
    "may_appraise": "APPRAISE trên đơn vị tiếp nhận",
    "may_appraise_nomination": "APPRAISE trên đơn vị tiếp nhận; hồ sơ đang thẩm định",
    "may_decide_nomination": "APPRAISE trên đơn vị tiếp nhận; hồ sơ đang hoặc đã thẩm định",
    "may_resubmit": "FILE trên đơn vị đề nghị; hồ sơ đã gửi hoặc đang thẩm định",
    "may_mark_awarded_below": "APPRAISE trên đơn vị tiếp nhận hồ sơ của đề nghị cấp trên (đã được khen thưởng)",
    "may_mark_not_awarded_below": "APPRAISE trên đơn vị tiếp nhận hồ sơ của đề nghị cấp trên (không được khen thưởng)",
}


def _mermaid(workflow: Workflow) -> list[str]:
    lines = ["```mermaid", "stateDiagram-v2"]
    for state in workflow.states:
        lines.append(f'    state "{state.label}" as {state.value}')
    lines.append(f"    [*] --> {workflow.transitions[0].sources[0]}")
    for t in workflow.transitions:
        for source in t.sources:
            lines.append(f"    {source} --> {t.target}: {t.label}")
    lines.append("```")
    return lines


def _table(workflow: Workflow) -> list[str]:
    lines = [
        "| thao tác | từ | sang | ai được làm | ý kiến | điều kiện | thông báo |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in workflow.transitions:
        sources = ", ".join(workflow.state_label(s) for s in t.sources)
        who = CAPABILITY.get(t.allowed.__name__, t.allowed.__name__)
        guards = ", ".join(g.__name__ for g in t.guards) or "—"
        comment = {"none": "—", "optional": "tuỳ chọn", "required": "bắt buộc"}[t.comment]
        told = "; ".join(e.notifies for e in t.effects if getattr(e, "notifies", "")) or "—"
        lines.append(
            f"| `{t.action}` {t.label} | {sources} | {workflow.state_label(t.target)} | {who} | {comment} | {guards} "
            f"| {told} |"
        )
    return lines


def workflows_markdown() -> str:
    parts = [
        "# Quy trình hồ sơ và đề nghị khen thưởng",
        "",
        "Generated from `nominations/workflows.py` by `nominations/diagram.py`; do not edit by hand.",
    ]
    for title, workflow in (("Hồ sơ (dossier)", DOSSIER_WORKFLOW), ("Đề nghị (nomination)", NOMINATION_WORKFLOW)):
        parts += ["", f"## {title}", "", *_mermaid(workflow), "", *_table(workflow)]
    return "\n".join(parts) + "\n"


def write() -> None:
    Path(settings.BASE_DIR, DOC).write_text(workflows_markdown(), encoding="utf-8")
