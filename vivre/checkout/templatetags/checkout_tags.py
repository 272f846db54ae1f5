import phonenumbers
from django import template

from vivre.catalog.templatetags.catalog_tags import usd

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
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
