"""Base models shared by every app, and the throttle's attempt log."""

from django.db import models

from vivre.privacy.datamap import Category, Personal, Subject, Use


class TimestampedModel(models.Model):
    """A model that records when it was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ThrottledAttempt(models.Model):
    """One failed attempt at a guessable lookup, under a keyed hash of who or what."""

    # scope + HMAC of an IP address or an order number; never the value itself.
    key = models.CharField(max_length=80, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    class PersonalData:
        subject = Subject.VISITOR
        key = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY)
        not_personal = ["id", "created_at"]
        owner = None
        owner_reason = "A keyed hash of an IP address or order number, never tied to an account."

    def __str__(self):
        return f"Attempt {self.pk}"
