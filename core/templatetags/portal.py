from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for paging and sorting)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


def sort_state(current: str, field: str) -> tuple[str, str]:
    """The `o` value a sort link on `field` sets and its arrow, given the request's current `o`."""
    if current == field:
        return f"-{field}", "▲"
    if current == f"-{field}":
        return field, "▼"
    return field, ""


@register.inclusion_tag("includes/sort_link.html", takes_context=True)
def sort_link(context, field, label):
    next_value, arrow = sort_state(context["request"].GET.get("o", ""), field)
    params = context["request"].GET.copy()
    params["o"] = next_value
    params.pop("page", None)
    return {"query": params.urlencode(), "label": label, "arrow": arrow}


@register.filter
def service_years(person, day):
    return person.service_years(day)


EMPTY_VALUE = "—"


@register.filter(needs_autoescape=True)
def dash(value, autoescape=True):
    """Every empty value shown alike: «—» (greyed) for None, "" and an empty list; 0 and False are values."""
    if value is None or value == "" or (isinstance(value, list | tuple) and not value):
        return format_html('<span class="empty-value">{}</span>', EMPTY_VALUE)
    return conditional_escape(value) if autoescape else value


def _crispy_class(widget, extra: str) -> str:
    """The class crispy-forms' `{% crispy_field %}` gives a widget: its own class (or its class name in lower case,
    e.g. `textinput`), then Bootstrap's."""
    name = type(widget).__name__.lower()
    name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(name, name)
    css = widget.attrs.get("class", "")
    if css:
        if css.find(name) == -1:
            css += f" {name}"
    else:
        css = name
    for part in extra.split():
        if part not in css.split():
            css += f" {part}"
    return css


@register.simple_tag
def filter_field(field):
    """One field of a list's filter form (includes/filter_form.html) as crispy-forms' `as_crispy_field` renders it
    with Bootstrap 5 (same elements, ids, classes and texts), without its templates: crispy's field.html is about
    a tenth of a list page's CPU (BENCHMARKS.md «Province scale: fixes», H4). Fields it does not cover here
    (checkboxes, radio and multiple-checkbox lists, files, multi-widgets, fieldsets, hidden initials, a form with
    a crispy helper) go through crispy as before (core/tests/test_filter_field.py compares both)."""
    if getattr(field.form, "helper", None) is not None:
        return as_crispy_field(field)
    html = crispy_field_html(field)
    return as_crispy_field(field) if html is None else html


def crispy_field_html(field, error_tag: str = "p"):
    """crispy-forms' Bootstrap 5 field.html for `field` with the default helper settings (labels and errors shown,
    no label or field class), written in Python. `error_tag`: "p" as `as_crispy_field` renders a form without
    a helper (errors as a block), "span" as a helper's default `error_text_inline` renders them. None for the
    fields it does not cover (hidden fields, checkboxes, radio and multiple-checkbox lists, files, multi-widgets,
    fieldsets, hidden initials)."""
    widget = field.field.widget
    if (
        field.is_hidden
        or field.field.show_hidden_initial
        or field.use_fieldset
        or hasattr(widget, "widgets")
        or hasattr(widget, "widget")
        or isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple | forms.FileInput)
    ):
        return None
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    errors = field.errors
    if errors:
        bootstrap += " is-invalid"
    html = [format_html('<div id="div_{}" class="mb-3{}">', field.auto_id, _css_suffix(field.css_classes()))]
    if field.label:
        required = field.field.required
        html.append(
            format_html(
                '<label{} class="form-label{}">{}{}</label>',
                format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
                " requiredField" if required else "",
                field.label,
                mark_safe('<span class="asteriskField">*</span>') if required else "",  # nosec B308 B703: constant
            )
        )
    html.append(field.as_widget(attrs={"class": _crispy_class(widget, bootstrap)}))
    if errors:
        html.append(format_html('<div id="{}_error" class="invalid-feedback">', str(getattr(errors, "field_id", None))))
        for number, error in enumerate(errors, start=1):
            html.append(
                format_html(
                    '<{} id="error_{}_{}"><strong>{}</strong></{}>', error_tag, number, field.auto_id, error, error_tag
                )
            )
        html.append(mark_safe("</div>"))  # nosec B308 B703: constant
    if field.help_text:
        html.append(
            format_html(
                '<div {}class="form-text">{}</div>',
                format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else "",
                mark_safe(field.help_text),  # nosec B308 B703: crispy renders it with |safe too
            )
        )
    html.append(mark_safe("</div>"))  # nosec B308 B703: constant
    return mark_safe("".join(html))  # nosec B308 B703: every part escaped by format_html


def _css_suffix(css: str) -> str:
    return f" {css}" if css else ""
