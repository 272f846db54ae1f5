"""Guessable lookups are throttled per visitor and per target, across app servers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from vivre.core.models import ThrottledAttempt
from vivre.core.throttle import clear_old_attempts, is_throttled, record_failure

pytestmark = pytest.mark.django_db
WINDOW = timedelta(minutes=15)


def test_throttles_after_the_limit_and_only_that_value():
    for _ in range(3):
        assert not is_throttled(scope="order", values=["203.0.113.9"], limit=3, window=WINDOW)
        record_failure(scope="order", values=["203.0.113.9"])

    assert is_throttled(scope="order", values=["203.0.113.9"], limit=3, window=WINDOW)
    assert not is_throttled(scope="order", values=["198.51.100.1"], limit=3, window=WINDOW)
    assert not is_throttled(scope="login", values=["203.0.113.9"], limit=3, window=WINDOW)


def test_old_attempts_expire_and_are_cleared():
    record_failure(scope="order", values=["203.0.113.9"])
    ThrottledAttempt.objects.update(created_at=timezone.now() - timedelta(days=2))

    assert not is_throttled(scope="order", values=["203.0.113.9"], limit=1, window=WINDOW)
    assert clear_old_attempts() == 1


@pytest.mark.promise("P11")
def test_the_attempt_log_never_holds_the_ip_in_clear():
    record_failure(scope="order", values=["203.0.113.9", "VV-ABCD-EFGH"])
    keys = " ".join(ThrottledAttempt.objects.values_list("key", flat=True))
    assert "203.0.113.9" not in keys and "VV-ABCD-EFGH" not in keys
