"""`{% url %}` (core/templatetags/cached_url.py): a name without arguments reversed once per process, keyed by what
its address depends on; everything else exactly as Django's tag."""

import pytest
from django.template import Context, Engine, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, set_script_prefix

from core.templatetags import cached_url


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.fixture(autouse=True)
def _empty_memo():
    cached_url._MEMO.clear()
    yield
    cached_url._MEMO.clear()


def test_the_portal_templates_use_it():
    engine = Engine.get_default()

    assert "core.templatetags.cached_url" in engine.builtins
    assert Template("{% url 'home' %}").nodelist[0].__class__ is cached_url.CachedURLNode


def test_a_name_without_arguments_is_reversed_once(monkeypatch):
    calls = []
    real = cached_url.reverse
    monkeypatch.setattr(cached_url, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))

    first = _render("{% url 'units:person_list' %}")
    second = _render("{% url 'units:person_list' %}{% url 'units:person_list' as x %}{{ x }}")

    assert first == real("units:person_list")
    assert second == first * 2
    assert len(calls) == 1


def test_arguments_variables_and_as_go_through_django_each_time(monkeypatch):
    calls = []
    real = cached_url.reverse
    monkeypatch.setattr("django.urls.reverse", lambda *a, **k: calls.append(a) or real(*a, **k))  # Django's tag

    html = _render("{% url 'units:person_detail' pk %}|{% url 'units:person_detail' pk=pk %}", pk=7)

    assert html == f"{real('units:person_detail', args=[7])}|{real('units:person_detail', kwargs={'pk': 7})}"
    assert len(calls) == 2


def test_the_address_follows_the_script_prefix_and_the_urlconf():
    plain = _render("{% url 'home' %}")
    set_script_prefix("/cong/")
    try:
        prefixed = _render("{% url 'home' %}")
    finally:
        set_script_prefix("/")
    with override_settings(ROOT_URLCONF="bench.urls"):
        bench = _render("{% url 'bench_bare' %}")

    assert (plain, prefixed, bench) == ("/", "/cong/", "/__bench/bare/")


def test_a_changed_setting_empties_the_memo():
    _render("{% url 'home' %}")
    assert cached_url._MEMO

    with override_settings(ROOT_URLCONF="bench.urls"):
        assert not cached_url._MEMO


def test_unknown_names_fail_as_with_django_and_as_gives_an_empty_string():
    with pytest.raises(NoReverseMatch):
        _render("{% url 'no-such-page' %}")
    assert _render("{% url 'no-such-page' as x %}[{{ x }}]") == "[]"
    assert cached_url._MEMO == {}
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_the_current_application_is_part_of_the_key():
    request = RequestFactory().get("/")
    request.current_app = "khac"
    Template("{% url 'home' %}").render(RequestContext(request))

    assert [key[1] for key in cached_url._MEMO] == ["khac"]
