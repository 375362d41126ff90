"""The Jinja2 environment of the dashboard's content (templates/jinja2/designation/includes/
overview_board.jinja, rendered and cached by journey/dashboard_cache.py).

That one template is Jinja2 rather than a Django template because it is rendered afresh on the
first request after every change, and Django's engine spent about 8 ms of a 20 ms request on
its 300 variables there (bench/RESULTS.md, round 7); Jinja2 compiles a template to Python. The
page shell and every other page stay Django templates. What the content shows goes through the
same functions as elsewhere: the filters below are the Django templates' own (labels, money and
rates, dates), named as there, so `{{ on|date("Y-m-d") }}` reads as `{{ on|date:"Y-m-d" }}`.

Two differences from Django's templates, neither visible in a browser: a quote is escaped as
`&#39;` (markupsafe) rather than `&#x27;`, and a number is written as Python writes it, not
localised. The portal has one language and no thousands separator in templates (settings), so
Django wrote the same digits; `tests/journey/test_jinja.py` holds that.
"""

import datetime
from functools import lru_cache, wraps

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.timezone import template_localtime
from jinja2 import ChainableUndefined, Environment, Template, Undefined

from designation import labels
from metrics.templatetags.metrics_format import rate, usd

# A day's Django format that is a prefix of its ISO text: "2026-12-02", "2026-12".
_ISO_LENGTH = {"Y-m-d": 10, "Y-m": 7}


def reverser():
    """url() for one rendering (_Template.render passes it as `url`): the URL prefix and URL
    conf hold for the whole rendering (one request, one thread), so they are read once, not at
    each of its forty calls, where reading them took 6 of the 7 us a call cost."""
    prefix, urlconf = get_script_prefix(), get_urlconf()

    def url(name: str, *args) -> str:
        """{% url name arg ... %}, remembered: a fresh rendering asks for about forty, mostly
        the same ones as the last rendering of that dashboard."""
        try:
            return _reversed(prefix, urlconf, name, args)
        except TypeError:  # an argument that cannot be a key: reversed afresh
            return reverse(name, args=args)

    return url


def url(name: str, *args) -> str:
    """url() outside a rendering (a template's generate(), or Python): read afresh each call."""
    return reverser()(name, *args)


class _Template(Template):
    def render(self, *args, **kwargs) -> str:
        """A rendering with its own url() (reverser()); a context value named url still wins."""
        return super().render({"url": reverser(), **dict(*args, **kwargs)})


@lru_cache(maxsize=4096, typed=True)
def _reversed(prefix: str, urlconf, name: str, args: tuple) -> str:
    """reverse() of `name` and `args` under the URL prefix and URL conf it depends on."""
    return reverse(name, args=args)


@receiver(setting_changed)
def _forget_reversed(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":  # as Django clears its own URL caches then
        _reversed.cache_clear()


def date(value, format_string: str) -> str:
    """Django's |date: an aware datetime is shown in the current time zone first, as Django's
    templates do for that filter. A day as "Y-m-d" or "Y-m", most of what the content shows, is
    written directly (the same text, a tenth of the time)."""
    if type(value) is datetime.date and format_string in _ISO_LENGTH:
        return value.isoformat()[: _ISO_LENGTH[format_string]]
    return defaultfilters.date(template_localtime(value), format_string)


def _none_for_missing(function):
    """A filter that reads a missing value as None (no value: a dash for money and rates, nothing
    for a date), where it would otherwise raise."""

    @wraps(function)
    def wrapper(value, *args):
        return function(None if isinstance(value, Undefined) else value, *args)

    return wrapper


FILTERS = {
    "date": date,
    "pluralize": defaultfilters.pluralize,
    "country_name": labels.country_name,
    "transition_label": labels.transition_label,
    "rate": rate,
    "usd": usd,
}


def environment(**options) -> Environment:
    # Escaped as Django's templates are; a missing attribute or key prints as empty and is false,
    # as there (the content tests `e.state` with no enrollment, for one).
    options = {k: v for k, v in options.items() if k not in ("autoescape", "undefined")}
    env = Environment(autoescape=True, undefined=ChainableUndefined, **options)
    env.template_class = _Template
    env.globals.update(url=url, state_change=labels.state_change)
    env.filters.update({name: _none_for_missing(f) for name, f in FILTERS.items()})
    return env
