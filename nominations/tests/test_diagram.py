from pathlib import Path

from django.conf import settings

from nominations.diagram import DOC, workflows_markdown


def test_the_workflow_page_in_docs_is_generated_from_the_tables():
    page = Path(settings.BASE_DIR, DOC).read_text(encoding="utf-8")
    assert page == workflows_markdown(), "run: manage.py shell -c 'from nominations.diagram import write; write()'"


def test_every_transition_of_both_tables_is_on_the_page():
    from nominations.workflows import DOSSIER_WORKFLOW, NOMINATION_WORKFLOW

    page = workflows_markdown()
    edges = [
        f"{s} --> {t.target}: {t.label}"
        for wf in (DOSSIER_WORKFLOW, NOMINATION_WORKFLOW)
        for t in wf.transitions
        for s in t.sources
    ]
    assert [e for e in edges if e not in page] == []
