"""`{% url %}` with the address of a name without arguments reversed once per process (a template builtin:
config/settings.py TEMPLATES, so it replaces Django's tag in every template).

Every page's header and menus reverse about twenty fixed names («Trang chủ», «Cá nhân», the apps' menus); Django's
`reverse()` rebuilds and matches the pattern each time, about a tenth of a bare page's CPU (BENCHMARKS.md «Province
scale: fixes», H4). The address of a name without arguments depends only on the URLconf, the script prefix and the
current application, so those are the key. A tag with arguments is Django's, unchanged. Any change of settings
(tests' override_settings) empties the memo.
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = Library()
_MEMO: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _MEMO.clear()


_STATE = object()  # the render context's key of `address_state`


def address_state(context) -> tuple:
    """What the address of a name without arguments depends on besides the name: the current application, the
    URLconf and the script prefix. Read once per template render (none of them changes while a template renders):
    the URLconf and the prefix are thread-locals that cost more to read than the memo's lookup."""
    render_context = context.render_context
    state = render_context.get(_STATE)
    if state is None:
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        state = render_context[_STATE] = (current_app, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return state


class CachedURLNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        state = address_state(context)
        key = (view_name, *state)
        memo = _MEMO.get(key)
        if memo is None:
            try:
                url = reverse(view_name, current_app=state[0])
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                memo = ("", "")
            else:
                # The address and its escaped form (what the tag writes into an autoescaped template).
                memo = _MEMO[key] = (url, conditional_escape(url))
        if self.asvar:
            context[self.asvar] = memo[0]
            return ""
        return memo[1] if context.autoescape else memo[0]


@register.tag
def url(parser, token):
    """Django's `{% url %}` (same syntax, same errors), memoised for names without arguments."""
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
