"""The customer service section: its pages, in the order the footer lists them."""

SERVICE_PAGES = [
    ("first-time-shoppers", "First-time shoppers"),
    ("shop-with-confidence", "Shop with confidence"),
    ("your-account", "Your account"),
    ("your-order", "Your order"),
    ("sending-a-gift", "Sending a gift"),
    ("payment-information", "Payment information"),
    ("shipping", "Shipping"),
    ("returns-and-exchanges", "Returns and exchanges"),
    ("terms-of-use", "Terms of use"),
    ("get-in-touch", "Get in touch"),
    ("privacy-policy", "Privacy policy"),
    ("security-policy", "Security policy"),
]

SERVICE_LINKS = [{"url": f"/service/{slug}/", "title": title} for slug, title in SERVICE_PAGES]


def privacy_policy_revised():
    """Return the date the privacy policy was last revised (shown on every page, P2)."""
    return None
