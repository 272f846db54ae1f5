"""The customer's return form: one quantity (and exchange choice) per shipped line."""

from django import forms

from .models import ReturnRequest


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you returning these?", choices=ReturnRequest.Reason.choices
    )
    resolution = forms.ChoiceField(
        label="Would you like",
        choices=ReturnRequest.Resolution.choices,
        widget=forms.RadioSelect,
        initial=ReturnRequest.Resolution.REFUND,
    )
    note = forms.CharField(
        label="Anything we should know?",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Read only by our customer care team.",
    )

    def __init__(self, *args, lines, **kwargs):
        """``lines``: (order line, returnable quantity, exchange variants) for each line."""
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line, available, variants in lines:
            self.fields[f"qty_{line.pk}"] = forms.IntegerField(
                label=f"How many {line.product_name}",
                min_value=0,
                max_value=available,
                initial=0,
                error_messages={
                    "max_value": f"You can return at most {available}.",
                    "min_value": "Please enter 0 or more.",
                    "invalid": "Please enter a whole number.",
                },
            )
            if variants:
                self.fields[f"exchange_{line.pk}"] = forms.TypedChoiceField(
                    label="Exchange for",
                    coerce=int,
                    required=False,
                    choices=[(v.pk, v.label or "Same option") for v in variants],
                    initial=line.variant_id,
                )

    def line_fields(self):
        """Yield (order line, quantity field, exchange field or None) for the template."""
        for line, _, variants in self.lines:
            yield (
                line,
                self[f"qty_{line.pk}"],
                self[f"exchange_{line.pk}"] if variants else None,
            )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"qty_{line.pk}") for line, _, _ in self.lines):
            raise forms.ValidationError("Please choose at least one item to return.")
        return cleaned
