from django import template

from manyi.privacy.consents import Choice, filing_choices

register = template.Library()


@register.simple_tag
def filing_consents(kind: str) -> list[Choice]:
    """The consent checkboxes of a form of `kind` (privacy.consents decides which)."""
    return filing_choices(kind)
