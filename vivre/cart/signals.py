"""The bag follows the customer: receivers for signing in and out.

``django.contrib.auth.login()`` (the sign-in page, the remember-me middleware)
sends ``user_logged_in``; ``logout()`` sends ``user_logged_out``. Connected in
``CartConfig.ready()``.
"""

import logging

from django.contrib import messages
from django.db import DatabaseError

from vivre.core.http import client_ip

from .selectors import cart_id_from_request, forget_cached_cart
from .services import merge_guest_cart

logger = logging.getLogger(__name__)


def bring_guest_bag_along(sender, request, user, **kwargs):
    """Merge the bag the visitor filled as a guest into the account that signed in."""
    if request is None or not hasattr(request, "COOKIES"):
        return
    try:
        result = merge_guest_cart(
            guest_cart_id=cart_id_from_request(request),
            customer=user,
            ip_address=client_ip(request),
        )
    except DatabaseError:
        # Signing in matters more than the merge, which rolled back whole: the
        # guest bag is left as it was and the customer gets their own bag.
        logger.exception("Could not merge a guest bag at sign-in")
        return
    finally:
        forget_cached_cart(request)
    if result.combined:
        # fail_silently: the remember-me middleware may sign in before messages exist.
        messages.info(
            request,
            "We added what you chose on this visit to the bag saved with your account.",
            fail_silently=True,
        )
    for notice in result.notices:
        messages.warning(request, notice, fail_silently=True)


def leave_bag_with_account(sender, request, user, **kwargs):
    """After sign-out the visitor is a fresh guest: the account's bag stays with the account.

    Nothing to change in the database; the page rendered now must not count the
    customer's bag any more.
    """
    if request is not None:
        forget_cached_cart(request)
