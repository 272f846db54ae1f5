"""The catalogue: departments, categories, products, their variants and stock."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from vivre.core.models import TimestampedModel


class Department(models.Model):
    """A top-level section of the shop: Home, Fashion Accessories, Gifts…"""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    tagline = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    class PersonalData:
        not_personal = ["id", "slug", "name", "tagline", "description", "position"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:department", args=[self.slug])


class Category(models.Model):
    """A group of like products within a department."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="categories")
    slug = models.SlugField()
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["department__position", "position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["department", "slug"], name="category_slug_unique")
        ]

    class PersonalData:
        not_personal = ["id", "department", "slug", "name", "description", "position"]

    def __str__(self):
        return f"{self.department} › {self.name}"

    def get_absolute_url(self):
        return reverse("catalog:category", args=[self.department.slug, self.slug])


class ProductQuerySet(models.QuerySet):
    def live(self):
        return self.filter(is_active=True)


class Product(TimestampedModel):
    """Something Vivre sells, in one or more variants.

    ``price_from`` and ``in_stock`` summarise the variants so that listings need
    no join; ``refresh_summary()`` keeps them true whenever a variant changes.
    """

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField()
    details = models.TextField(blank=True, help_text="Materials, dimensions and care.")
    is_active = models.BooleanField(default=True)
    is_featured = models.BooleanField(default=False)
    # The generated artwork: a motif drawn per category and a palette seed.
    art_motif = models.CharField(max_length=30, default="vessel")
    art_seed = models.PositiveIntegerField(default=0)
    price_from = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    in_stock = models.BooleanField(default=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["category", "is_active", "name"]),
            models.Index(fields=["category", "is_active", "price_from"]),
            models.Index(fields=["category", "is_active", "-created_at"]),
            models.Index(fields=["is_featured", "is_active"]),
            models.Index(fields=["-created_at"]),
            # catalog.fragments reads MAX(updated_at) on every listing view.
            models.Index(fields=["updated_at"]),
        ]

    class PersonalData:
        not_personal = [
            "id", "category", "slug", "name", "description", "details", "is_active",
            "is_featured", "art_motif", "art_seed", "price_from", "in_stock",
            "created_at", "updated_at",
        ]  # fmt: skip

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"/p/{self.slug}/"

    def refresh_summary(self, save: bool = True) -> None:
        """Recompute the lowest price and stock state from the variants."""
        summary = self.variants.filter(is_active=True).aggregate(
            low=models.Min("price"), stock=models.Sum("stock")
        )
        self.price_from = summary["low"] or Decimal("0")
        self.in_stock = bool(summary["stock"])
        if save:
            self.save(update_fields=["price_from", "in_stock", "updated_at"])


class Variant(TimestampedModel):
    """One buyable version of a product (a size and/or colour) with its own stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField("SKU", max_length=40, unique=True)
    size = models.CharField(max_length=40, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    colour_hex = models.CharField(max_length=7, blank=True, help_text="#rrggbb for the swatch")
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    compare_at_price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The former price, shown struck through when higher than the price.",
    )
    stock = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="variant_stock_gte_0"),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="variant_price_gt_0"),
        ]

    class PersonalData:
        not_personal = [
            "id", "product", "sku", "size", "colour", "colour_hex", "price",
            "compare_at_price", "stock", "is_active", "position", "created_at", "updated_at",
        ]  # fmt: skip

    def __str__(self):
        return f"{self.product.name} — {self.label}" if self.label else self.product.name

    @property
    def label(self) -> str:
        """Return "Ivory / Large" style text naming the variant."""
        return " / ".join(part for part in (self.colour, self.size) if part)

    @property
    def on_sale(self) -> bool:
        return bool(self.compare_at_price and self.compare_at_price > self.price)


class ProductImage(models.Model):
    """A view of a product. The shop draws its own artwork (see ``catalog.art``)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, null=True, blank=True, related_name="images"
    )
    position = models.PositiveSmallIntegerField(default=0)
    angle = models.CharField(max_length=20, default="front")
    alt_text = models.CharField(max_length=200)

    class Meta:
        ordering = ["product", "position", "id"]

    class PersonalData:
        not_personal = ["id", "product", "variant", "position", "angle", "alt_text"]

    def __str__(self):
        return self.alt_text
