"""The access log: who read which sensitive field of whom, for what, and why (P6)."""

import uuid

from django.db import models

from .datamap import Category, Personal, Subject, Use


class AppendOnlyError(TypeError):
    """An append-only record was asked to change or disappear."""


class AccessRecordQuerySet(models.QuerySet):
    """Access records are appended and read, never rewritten in bulk."""

    def update(self, **kwargs):
        raise AppendOnlyError("Access records are append-only; they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Access records are append-only; they cannot be deleted.")


class AccessRecord(models.Model):
    """One read of a sensitive personal-data field, written by ``access.read_personal``.

    The subject is named by model label and primary key rather than a foreign key,
    so the record outlives the row it describes and nothing cascades into it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject_type = models.CharField(max_length=100)  # e.g. "orders.Order"
    # The subject row's primary key as text: the customer's record, by reference.
    subject_id = models.CharField(max_length=64)
    field = models.CharField(max_length=100)
    category = models.CharField(max_length=100)
    purpose = models.CharField(max_length=100)
    # The staff member who read it (username and id), or a process such as "system".
    # Kept so the customer can see who looked; the id is not a foreign key so the
    # record stays whole if the account is removed.
    actor_label = models.CharField(max_length=150)
    actor_id = models.IntegerField(null=True, blank=True)
    # Why, by reference ("order issue <id>"); callers put no free text about the
    # customer here.
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-created_at"])]

    class PersonalData:
        subject = Subject.CUSTOMER
        subject_id = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY, Use.LEGAL)
        reason = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY, Use.LEGAL)
        # The reader's identity (employee data), shown to the customer whose data it was.
        actor_label = Personal(Category.USERNAME, Use.SECURITY, Use.LEGAL)
        actor_id = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY, Use.LEGAL)
        not_personal = ["id", "subject_type", "field", "category", "purpose", "created_at"]

    def __str__(self):
        return f"Access {self.pk}"  # admin logs store str(obj): no personal data

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Access records are append-only; they cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access records are append-only; they cannot be deleted.")
