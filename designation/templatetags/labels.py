"""Template filters that show codes by their labels: `{{ event.to_state|state_label }}`,
`{{ event.transition|transition_label }}`, `{{ org.country|country_name }}`,
`{{ value|choice_label:"csp_kind" }}`."""

from django import template

from designation import labels

register = template.Library()

register.filter("state_label", labels.state_label)
register.filter("transition_label", labels.transition_label)
register.filter("country_name", labels.country_name)


@register.filter
def choice_label(code: str, kind: str) -> str:
    return labels.label(code, kind)


@register.simple_tag
def state_change(from_state: str, to_state: str) -> str:
    return labels.state_change(from_state, to_state)
