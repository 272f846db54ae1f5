"""The policy-notice sending task, run by ``manage.py db_worker`` (P19).

Each run sends one batch and queues the next while notices are pending. Two
chains for one version are harmless: each row is claimed by a conditional
update and the outbox dedupes per version and person.
"""

from django_tasks import task

from . import policy


@task()
def send_policy_notices(version_id: int) -> dict:
    """Send one batch of a version's notices and queue the next; takes an id, never an address."""
    result = policy.send_batch(version_id)
    if result["more"]:
        send_policy_notices.enqueue(version_id)
    return result
