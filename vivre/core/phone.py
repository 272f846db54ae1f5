"""Telephone numbers as people read them."""

import phonenumbers


def format_phone(e164: str) -> str:
    """Return a stored E.164 number as people write it: "(212) 555-0148" for US numbers,
    international form for others, and anything unparseable as it is."""
    try:
        number = phonenumbers.parse(e164, "US")
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
