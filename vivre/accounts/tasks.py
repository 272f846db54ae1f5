"""Background work of customer accounts, run by ``manage.py db_worker``."""

from django_tasks import task

from . import export


@task()
def build_export(export_id: str, site_url: str = "") -> str:
    """Prepare one requested copy of a customer's data; return its status afterwards.

    Takes ids only, so the task queue's table never holds personal data.
    """
    return export.run_export(export_id, site_url)
