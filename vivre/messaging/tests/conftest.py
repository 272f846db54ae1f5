import pytest

from vivre.messaging.testing import free_port


@pytest.fixture
def no_smtp_server(settings):
    """Point Django's mail connection at a port where nothing listens; return the port."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return port
