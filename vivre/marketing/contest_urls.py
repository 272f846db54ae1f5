"""Public contest pages under /contests/."""

from .contest_views import urlpatterns

app_name = "contests"
__all__ = ["app_name", "urlpatterns"]
