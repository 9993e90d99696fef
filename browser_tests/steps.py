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


def pick(page, label, text, choice, *, keyboard=False):
    """Type `text` in the picker labelled `label` (units/pickers.py) and pick the suggestion whose label
    starts with `choice`, by a click or, with `keyboard`, by arrow keys and Enter; waits for its chip."""
    from playwright.sync_api import expect

    box = page.get_by_role("combobox", name=label)  # not exact: crispy appends * to a required field's label
    box.fill(text)
    picker = page.locator("[data-unit-picker]").filter(has=box)
    option = picker.get_by_role("option", name=re.compile("^" + re.escape(choice)))
    expect(option.first).to_be_visible()
    if keyboard:
        options = picker.get_by_role("option")
        index = next(i for i, name in enumerate(options.all_inner_texts()) if name.startswith(choice))
        for _ in range(index + 1):
            box.press("ArrowDown")
        box.press("Enter")
    else:
        option.first.click()
    expect(picker.get_by_role("checkbox", name=re.compile("^Bỏ chọn " + re.escape(choice)))).to_be_checked()
