"""The customer service pages (P25), written in Markdown and edited by staff."""

from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse

BODY_HELP = (
    "Markdown. Start sections with ## (the page title is the only top-level heading), "
    "use **bold**, *italic*, lists, tables and [links](/service/shipping/). "
    "Give a heading a fixed anchor with {#name} at its end, e.g. “## Your card details {#p7}”. "
    "{{ store.POSTAL_ADDRESS }}, {{ store.CARE_EMAIL }}, {{ store.CARE_PHONE }} and "
    "{{ store.CARE_PHONE_DIAL }} (the number for tel: links) are filled in from the shop's "
    "settings. Scripts, styles and other unsafe HTML are removed."
)


class Page(models.Model):
    """One page of the customer service section."""

    slug = models.SlugField(
        max_length=80, unique=True, help_text="The page's address: /service/<slug>/."
    )
    title = models.CharField(max_length=120)
    summary = models.CharField(
        max_length=240, help_text="One line shown under the title on the customer service index."
    )
    body = models.TextField(help_text=BODY_HELP)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Pages are listed in ascending order of position."
    )
    revised_on = models.DateField(
        help_text="Shown as “Last revised”. Change it when the substance changes, "
        "not for a typo; the privacy policy's date appears in every page's footer."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class PersonalData:
        not_personal = [
            "id",
            "slug",
            "title",
            "summary",
            "body",
            "position",
            "revised_on",
            "updated_at",
        ]

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("storefront:service-page", kwargs={"slug": self.slug})


# The footer's "revised" date is cached for a minute (see service.py); an edit in
# the admin shows at once instead.
@receiver(post_save, sender=Page)
@receiver(post_delete, sender=Page)
def _forget_policy_date(sender, instance, **kwargs):
    from .service import POLICY_REVISED_CACHE_KEY

    cache.delete(POLICY_REVISED_CACHE_KEY)
