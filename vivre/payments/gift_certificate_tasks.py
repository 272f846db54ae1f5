"""Background work of gift certificates, run by ``manage.py db_worker``."""

from django_tasks import task

from . import giftcertificates


@task()
def deliver_gift_certificate(certificate_id: str) -> str:
    """E-mail a certificate's code to its recipient on its delivery date; return the outcome.

    Queued with ``run_after`` at the start of the delivery date. Takes an id only,
    so the task queue's table never holds the code or the recipient. Safe to run
    twice: the second run finds the certificate delivered and does nothing.
    """
    return giftcertificates.deliver_certificate(certificate_id)
