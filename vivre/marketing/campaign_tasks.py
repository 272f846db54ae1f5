"""The campaign sending task, run by ``manage.py db_worker``.

Each run processes one batch and queues the next while people are left and the
campaign is still sending: a pause ends the chain after the current batch; resume
(or "send" again after a crash) starts a new one. Two chains for one campaign are
harmless: each person's row is claimed under a lock and the outbox dedupes.
"""

from django_tasks import task

from . import campaigns


@task()
def send_campaign_batch(campaign_id: str) -> dict:
    """Send one batch of a campaign and queue the next; takes an id, never an address."""
    result = campaigns.send_batch(campaign_id)
    if result.more:
        send_campaign_batch.enqueue(campaign_id)
    return result.as_dict()


@task()
def sweep_campaigns() -> int:
    """Queue a batch for every sending campaign whose chain was lost (a worker died)."""
    ids = campaigns.Campaign.objects.filter(status=campaigns.Status.SENDING).values_list(
        "pk", flat=True
    )
    count = 0
    for pk in ids:
        send_campaign_batch.enqueue(str(pk))
        count += 1
    return count
