"""Shared steps of the browser journeys."""

import re


def act(page, label, comment=None, scope=None):
    """Click a workflow button of the page (or of one nomination's card): a plain button, or the small form
    that opens from its summary when the action takes a comment."""
    where = scope or page.locator(".workflow-actions").first
    summary = where.locator("summary", has_text=re.compile(f"^{re.escape(label)}$"))  # not «Không chấp nhận»
    if summary.count():
        summary.first.click()
        form = where.locator("details[open] form")
        if comment is not None:
            form.locator("textarea").fill(comment)
        with page.expect_navigation():
            form.get_by_role("button", name=label, exact=True).click()
    else:
        with page.expect_navigation():
            where.get_by_role("button", name=label, exact=True).first.click()
