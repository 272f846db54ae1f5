"""Background work of payments, run by ``manage.py db_worker``."""

from django_tasks import task

from . import saved_cards


@task()
def purge_expired_cards() -> int:
    """Delete saved cards past their expiry month (schedule daily); return how many."""
    return saved_cards.purge_expired_cards()
