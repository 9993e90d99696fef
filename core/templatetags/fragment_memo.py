"""`{% memo name=value … %}…{% endmemo %}`: a fragment rendered once per process for each set of values.

The menu of base.html is the same bytes for every account whose few deciding values are the same (whether it has
an active role, may open the reports, its two counters); rendering its twenty links and their conditions on every
request is about a sixth of a bare page's CPU (BENCHMARKS.md «Province scale: fixes», X1); its stylesheets and
scripts (`{% static %}`, a lookup in the manifest per file) depend on nothing but the settings.

Safe by construction rather than by care: the fragment is rendered in a context holding ONLY the tag's named values
(`Context.new`: no context processor's variable, no view's, no `user`), so a variable the key does not name renders
empty in every case instead of leaking one account's value into another's page; the values must be None, a bool,
an int or a str (anything else is a TemplateSyntaxError at render time: an object's truthiness or id is not a key).
The key also holds what `{% url %}` depends on (core.templatetags.cached_url.address_state), autoescaping, and a
generation that any change of settings advances (tests' override_settings). Each tag keeps its own memo, so a
template parsed again (the development loader) starts empty; a memo holding `MAX_ENTRIES` is emptied.
"""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library, Node, TemplateSyntaxError
from django.template.base import token_kwargs

from core.templatetags.cached_url import address_state

register = Library()
MAX_ENTRIES = 512
_GENERATION = [0]
_KEY_TYPES = (type(None), bool, int, str)


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _GENERATION[0] += 1


class MemoNode(Node):
    def __init__(self, nodelist, values: dict):
        self.nodelist = nodelist
        self.values = values
        self.memo: dict[tuple, str] = {}

    def render(self, context):
        values = {name: value.resolve(context) for name, value in self.values.items()}
        for name, value in values.items():
            if type(value) not in _KEY_TYPES:
                raise TemplateSyntaxError(
                    f"{{% memo %}}: {name} is a {type(value).__name__}; a key is None, a bool, an int or a str"
                )
        # The type too: True == 1 as keys, but they render as «True» and «1».
        key = (
            tuple((n, type(v), v) for n, v in values.items()),
            context.autoescape,
            _GENERATION[0],
            *address_state(context),
        )
        html = self.memo.get(key)
        if html is None:
            html = self.nodelist.render(context.new(values))
            if len(self.memo) >= MAX_ENTRIES:
                self.memo.clear()
            self.memo[key] = html
        return html


@register.tag
def memo(parser, token):
    bits = token.split_contents()[1:]
    values = token_kwargs(bits, parser, support_legacy=False)
    if bits:
        raise TemplateSyntaxError(f"{{% memo %}} takes only name=value arguments, not {' '.join(bits)}")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, values)
