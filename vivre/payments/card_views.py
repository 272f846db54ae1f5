"""My Account → Saved cards: brand, last four digits and expiry; delete (P7).

Cards are looked up together with ``customer=request.user``, so another customer's
card id is simply not found (404). No page ever shows more of a card than this.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import saved_cards


@never_cache
@login_required
def card_list(request):
    """The customer's saved cards, each with a Delete button."""
    cards = [
        {
            "card": card,
            "expires": saved_cards.expires_label(card),
            "expired": saved_cards.is_expired(card),
        }
        for card in saved_cards.cards_for(request.user)
    ]
    return render(request, "payments/cards/list.html", {"account_section": "cards", "cards": cards})


@require_POST
@login_required
def card_delete(request, card_id):
    """Delete one of the customer's own saved cards."""
    if not saved_cards.delete_card(customer=request.user, card_id=card_id):
        raise Http404("No such card")
    messages.success(request, "The card is deleted. Orders already paid with it are unchanged.")
    return redirect("cards:list")
