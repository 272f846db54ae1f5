"""The public catalogue request form under /catalogue/."""

from .catalogue_views import urlpatterns

app_name = "catalogue"
__all__ = ["app_name", "urlpatterns"]
