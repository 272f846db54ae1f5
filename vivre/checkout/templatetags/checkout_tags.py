from django import template

from vivre.catalog.templatetags.catalog_tags import usd
from vivre.core.phone import format_phone

register = template.Library()
# One money filter for the whole shop; checkout templates load it from here.
register.filter("usd", usd)


@register.filter
def percent(rate):
    """Render a tax rate such as 0.08875 as ``8.875%``."""
    text = f"{rate * 100:.3f}".rstrip("0").rstrip(".")
    return f"{text}%"


@register.filter
def phone(e164):
    """Render a stored E.164 number the way people write it: (212) 555-0148."""
    return format_phone(e164)
