"""One-click unsubscribe under /unsubscribe/ (RFC 8058)."""

from .unsubscribe_views import urlpatterns

app_name = "unsubscribe"
__all__ = ["app_name", "urlpatterns"]
