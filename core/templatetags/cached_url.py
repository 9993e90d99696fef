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


class CachedURLNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        key = (view_name, current_app, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
        url = _MEMO.get(key)
        if url is None:
            try:
                url = reverse(view_name, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""
            else:
                _MEMO[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}` (same syntax, same errors), memoised for names without arguments."""
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
