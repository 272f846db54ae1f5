"""Back-office forms: ship lines of an order, and add a tracking number later."""

from __future__ import annotations

from django import forms

from .carriers import DEFAULT_CARRIER, carrier_choices
from .selectors import PickLine


class ShipForm(forms.Form):
    """How many of each remaining line go in this parcel, the carrier and tracking number."""

    carrier = forms.ChoiceField(choices=carrier_choices, initial=DEFAULT_CARRIER)
    tracking_number = forms.CharField(
        max_length=40,
        required=False,
        help_text="Type the number from the carrier's label, tick “generate”, or add it later.",
    )
    generate_tracking = forms.BooleanField(label="Generate a tracking number", required=False)

    def __init__(self, *args, pick_lines: list[PickLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields: list[tuple[PickLine, str]] = []
        for pick in pick_lines:
            if pick.remaining <= 0:
                continue
            name = f"line_{pick.line.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{pick.line.sku} — {pick.line.product_name}",
                min_value=0,
                initial=pick.remaining,
                widget=forms.NumberInput(attrs={"min": 0, "max": pick.remaining}),
            )
            self.line_fields.append((pick, name))

    def clean(self):
        data = super().clean()
        if data.get("tracking_number") and data.get("generate_tracking"):
            self.add_error(
                "tracking_number", "Either type a tracking number or generate one, not both."
            )
        return data

    def lines(self) -> dict[int, int]:
        """Return {order line id: quantity} from the cleaned data."""
        return {
            pick.line.pk: self.cleaned_data[name]
            for pick, name in self.line_fields
            if self.cleaned_data.get(name)
        }

    def bound_line_fields(self):
        """Yield (pick line, bound field) pairs for the template."""
        for pick, name in self.line_fields:
            yield pick, self[name]


class TrackingNumberForm(forms.Form):
    """A tracking number typed in for a shipment that left without one."""

    tracking_number = forms.CharField(max_length=40)
