"""Forms that change the bag."""

from django import forms
from django.conf import settings


def _quantity_field(min_value: int) -> forms.IntegerField:
    maximum = settings.VIVRE["CART_MAX_QUANTITY"]
    return forms.IntegerField(
        min_value=min_value,
        max_value=maximum,
        error_messages={
            "invalid": "Please enter a whole number.",
            "min_value": f"Please choose a quantity from {max(min_value, 1)} to {maximum}.",
            "max_value": f"We can send at most {maximum} of one item per order.",
            "required": "Please enter a quantity.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class AddToCartForm(forms.Form):
    """A variant and how many of it."""

    variant = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": "Please choose a colour or size.",
            "invalid": "Please choose a colour or size.",
            "min_value": "Please choose a colour or size.",
        },
    )
    quantity = _quantity_field(min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"] = _quantity_field(min_value=1)


class UpdateLineForm(forms.Form):
    """A new quantity for a line already in the bag; 0 removes it."""

    quantity = _quantity_field(min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"] = _quantity_field(min_value=0)
