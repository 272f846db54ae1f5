"""Tasks of the outbox, run by ``manage.py db_worker``."""

from django_tasks import task

from . import services


@task()
def deliver_message(message_id: str) -> str:
    """Deliver one outbox message; return its state afterwards."""
    return services.deliver(message_id)


@task()
def sweep_outbox() -> dict:
    """Requeue messages abandoned by a dead worker and re-queue lost deliveries."""
    return services.sweep()
