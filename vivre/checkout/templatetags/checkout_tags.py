import phonenumbers
from django import template

from vivre.core.money import format_usd

register = template.Library()


@register.filter
def usd(amount):
    """Render an amount as ``$1,234.50``."""
    return "" if amount is None else format_usd(amount)


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
