"""`{% memo %}` (core/templatetags/fragment_memo.py): a fragment rendered once per set of named values, in a context
holding only them, so that no other variable (one account's) can reach another account's page."""

import pytest
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory, override_settings
from django.urls import reverse

from core.templatetags import fragment_memo


def _template(body: str) -> Template:
    return Template("{% load fragment_memo %}" + body)


def test_the_fragment_is_rendered_once_per_set_of_values(monkeypatch):
    template = _template("{% memo n=n %}[{{ n }}]{% endmemo %}")
    node = template.nodelist[-1]
    renders = []
    real = node.nodelist.render
    monkeypatch.setattr(node.nodelist, "render", lambda context: renders.append(1) or real(context))

    outputs = [template.render(Context({"n": n})) for n in (3, 3, None, 3, 0, None)]

    assert outputs == ["[3]", "[3]", "[None]", "[3]", "[0]", "[None]"]
    assert len(renders) == 3  # 3, None, 0


def test_a_variable_the_key_does_not_name_renders_empty():
    template = _template("{% memo n=n %}{{ n }}|{{ secret }}|{{ user.username }}{% endmemo %}|{{ secret }}")

    first = template.render(Context({"n": 1, "secret": "của An", "user": {"username": "an"}}))
    second = template.render(Context({"n": 1, "secret": "của Bình", "user": {"username": "binh"}}))

    assert first == "1|||của An"
    assert second == "1|||của Bình"  # not An's value, and not the first render's either


def test_a_context_processors_variable_does_not_reach_the_fragment():
    request = RequestFactory().get("/")
    template = _template("{% memo %}[{{ request.path }}{{ csrf_token }}]{% endmemo %}{{ request.path }}")

    assert template.render(RequestContext(request, {})) == "[]/"


@pytest.mark.parametrize("value", [True, 1])
def test_true_and_one_are_different_keys(value):
    template = _template("{% memo v=v %}{{ v }}{% endmemo %}")

    template.render(Context({"v": 1 if value is True else True}))

    assert template.render(Context({"v": value})) == str(value)


@pytest.mark.parametrize("value", [object(), [1], 1.5, {"a": 1}])
def test_a_key_must_be_none_a_bool_an_int_or_a_str(value):
    template = _template("{% memo v=v %}{{ v }}{% endmemo %}")

    with pytest.raises(TemplateSyntaxError, match="a key is None, a bool, an int or a str"):
        template.render(Context({"v": value}))


def test_only_name_value_arguments():
    with pytest.raises(TemplateSyntaxError):
        _template("{% memo n %}{% endmemo %}")


def test_autoescaping_is_part_of_the_key():
    template = _template("{% memo v=v %}{{ v }}{% endmemo %}")

    assert template.render(Context({"v": "<b>"})) == "&lt;b&gt;"
    assert template.render(Context({"v": "<b>"}, autoescape=False)) == "<b>"


def test_addresses_follow_the_script_prefix_and_a_change_of_settings():
    from django.urls import set_script_prefix

    template = _template("{% memo %}{% url 'units:list' %}{% endmemo %}")
    plain = template.render(Context({}))
    try:
        set_script_prefix("/cong/")
        prefixed = template.render(Context({}))
    finally:
        set_script_prefix("/")
    assert plain == reverse("units:list") and prefixed == "/cong" + plain

    generation = fragment_memo._GENERATION[0]
    with override_settings(PORTAL_HELP_LINE="x"):
        assert fragment_memo._GENERATION[0] > generation


def test_a_full_memo_starts_again(monkeypatch):
    monkeypatch.setattr(fragment_memo, "MAX_ENTRIES", 2)
    template = _template("{% memo n=n %}{{ n }}{% endmemo %}")
    node = template.nodelist[-1]

    for n in range(5):
        assert template.render(Context({"n": n})) == str(n)
        assert len(node.memo) <= 2
