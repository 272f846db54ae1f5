"""Facts about the request that several apps need."""

from django.conf import settings


def client_ip(request) -> str | None:
    """Return the visitor's IP address (P11).

    In production the shop runs behind a TLS proxy, so the address is the first
    one in ``X-Forwarded-For``; locally it is the socket's peer.
    """
    if settings.PRODUCTION and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def site_url(request) -> str:
    """Return ``scheme://host`` for links in e-mails.

    ``VIVRE_SITE_URL`` fixes it in production, so a link never depends on the Host
    header a proxy passed on; locally it is this request's own (a host Django has
    already checked against ``ALLOWED_HOSTS``).
    """
    configured = settings.VIVRE.get("SITE_URL", "")
    if configured:
        return configured.rstrip("/")
    return f"{request.scheme}://{request.get_host()}"
