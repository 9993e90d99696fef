"""`{% portal_form form %}`: crispy-forms' `{% crispy form %}` for the portal's forms, written in Python.

`{% crispy form %}` renders a whole form through crispy's Bootstrap 5 templates: whole_uni_form.html, then
display_form.html, uni_form.html, errors.html, one field.html per field (each including a few more templates)
and inputs.html with one baseinput.html per button. The portal's forms all carry the same helper (core.forms
PortalForm: no layout, one Submit button; a few set the method to GET or drop the form tag), so this tag writes
that output in Python: the same elements, attributes and texts (core/tests/test_portal_form.py renders every
form of the portal through both, unbound, bound and with errors). A form whose helper sets anything else (a
layout, attributes, classes, label or field classes, another field template, …) and any field the Python path
does not cover (checkboxes, radios, files, hidden initials; core.templatetags.portal.crispy_field_html) goes
through crispy as before.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from crispy_forms.templatetags.crispy_forms_tags import CrispyFormNode
from django import template
from django.template.defaultfilters import slugify, unordered_list
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .portal import crispy_field_html

register = template.Library()

# What a helper may set and still be rendered here: the method, the form tag and Submit buttons.
_FREE = frozenset({"_form_method", "form_tag", "inputs"})
_DEFAULTS = {key: value for key, value in vars(FormHelper()).items() if key not in _FREE}
_CSRF = CsrfTokenNode()


def covered(form) -> bool:
    """Whether `{% portal_form %}` writes this form itself (else crispy renders it)."""
    helper = getattr(form, "helper", None)
    if helper is None or type(helper) is not FormHelper or helper.layout is not None:
        return False
    if {key: value for key, value in vars(helper).items() if key not in _FREE} != _DEFAULTS:
        return False
    if helper.form_method.lower() not in ("post", "get"):
        return False
    return all(type(button) is Submit and not button.attrs and not button.flat_attrs for button in helper.inputs)


def _button(button: Submit) -> str:
    """bootstrap5/layout/baseinput.html for a Submit button without extra attributes."""
    name = slugify(button.name) if len(str(button.name).split()) > 1 else button.name
    css_id = button.id or f"{button.input_type}-id-{slugify(button.name)}"
    return format_html(
        '<input type="{}" name="{}" value="{}" class="{}" id="{}" />',
        button.input_type,
        name,
        button.value,
        button.field_classes,
        css_id,
    )


def render_form(context, form) -> str:
    """whole_uni_form.html with the default helper settings, in Python (whitespace aside)."""
    helper = form.helper
    method = helper.form_method.strip()
    html = []
    if helper.form_tag:
        multipart = mark_safe(' enctype="multipart/form-data"') if form.is_multipart() else ""  # nosec B308 B703
        html.append(format_html('<form method="{}"{}>', method, multipart))
    if method.lower() == "post":
        html.append(_CSRF.render(context))
    # display_form.html → uni_form.html
    html.append(format_html("{}", form.media))
    if form.non_field_errors():
        html.append(
            format_html(
                '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
                unordered_list(form.non_field_errors(), autoescape=True),
            )
        )
    for field in form:
        if field.is_hidden:
            html.append(str(field))
            continue
        field_html = crispy_field_html(field, error_tag="span")  # the helper's error_text_inline
        html.append(as_crispy_field(field) if field_html is None else field_html)
    # inputs.html
    if helper.inputs:
        html.append('<div class="mb-3"><div class="">')
        html.extend(_button(button) for button in helper.inputs)
        html.append("</div></div>")
    if helper.form_tag:
        html.append("</form>")
    return mark_safe("".join(html))  # nosec B308 B703: every part escaped by format_html or rendered by Django


@register.simple_tag(takes_context=True)
def portal_form(context, form):
    """`{% crispy form %}` (Bootstrap 5), written in Python for the helpers `covered` accepts."""
    if covered(form):
        return render_form(context, form)
    with context.push(portal_form_form=form):
        return CrispyFormNode("portal_form_form", None).render(context)
