"""The form renderer (settings.FORM_RENDERER): Django's, with the stock input and select widgets written in Python.

Every form and filter field is a widget rendered through Django's widget templates: `text.html` includes
`input.html`, which includes `attrs.html`; a `<select>` includes `select_option.html` and `attrs.html` for each
of its options. At province scale that was about a sixth of a list page's CPU (a filter form of six fields:
`python -m bench.profile_pages`, BENCHMARKS.md «Province scale: fixes», H4). These templates are a few lines
each, so they are written here as Python that returns the same bytes (core/tests/test_form_renderer.py
compares both for every stock input and select widget). Any other template, and these ones too when an
installed app overrides them, goes through the template engine as before.
"""

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
INPUT_TEMPLATES = frozenset(
    _WIDGETS + name
    for name in (
        "input.html",
        "text.html",
        "number.html",
        "email.html",
        "url.html",
        "password.html",
        "hidden.html",
        "date.html",
        "datetime.html",
        "time.html",
        "search.html",
        "tel.html",
        "color.html",
    )
)
SELECT_TEMPLATE = _WIDGETS + "select.html"
OPTION_TEMPLATE = _WIDGETS + "select_option.html"
# What the fast paths stand for: these must be Django's own files (an app may override any of them).
_COVERED = INPUT_TEMPLATES | {SELECT_TEMPLATE, OPTION_TEMPLATE, _WIDGETS + "attrs.html"}

_PLAIN = Context()  # render_value_in_context reads only autoescape and use_l10n (the defaults) from it


def _text(value) -> str:
    """`{{ value }}` in a template: localised (numbers, dates), escaped unless marked safe."""
    return render_value_in_context(value, _PLAIN)


def _stringformat(value) -> str:
    """`{{ value|stringformat:'s' }}`: str() of the raw value; the filter keeps a safe string safe."""
    if isinstance(value, SafeData):
        return str(value)
    return conditional_escape(f"{value}")


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{_stringformat(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html (and the widgets whose template only includes it)."""
    value = widget["value"]
    value_part = f' value="{_stringformat(value)}"' if value != None else ""  # noqa: E711 (the template's `!=`)
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value_part}{_attrs(widget["attrs"])}>'


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html, with the newline that ends the file."""
    return (
        f'<option value="{_stringformat(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n'
    )


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html; None when an option has a template of its own."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION_TEMPLATE:
                return None
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


class PortalFormRenderer(DjangoTemplates):
    """Django's default renderer (`DjangoTemplates`) with the Python fast paths above."""

    @cached_property
    def fast(self) -> bool:
        """Whether the covered templates are Django's own (no installed app overrides one)."""
        from pathlib import Path

        import django.forms

        own = Path(django.forms.__file__).parent / "templates"
        for name in _COVERED:
            origin = self.engine.get_template(name).origin.name
            if not Path(origin).is_relative_to(own):
                return False
        return True

    def render(self, template_name, context, request=None):
        if self.fast and request is None:
            widget = context.get("widget") if isinstance(context, dict) else None
            if widget is not None and widget.get("template_name") == template_name:
                if template_name in INPUT_TEMPLATES:
                    return mark_safe(_input(widget))  # nosec B308 B703: every value escaped as the template does
                if template_name == SELECT_TEMPLATE:
                    html = _select(widget)
                    if html is not None:
                        return mark_safe(html)  # nosec B308 B703: as above
        return super().render(template_name, context, request=request)
