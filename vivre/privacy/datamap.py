"""The data map: what personal data Vivre holds, of which kind, and for what.

Every model in a Vivre app carries a nested ``PersonalData`` class. Each concrete
field is either declared there with its data category and the purposes it may
serve, or listed in ``not_personal``::

    class Order(models.Model):
        email = models.EmailField()

        class PersonalData:
            subject = Subject.CUSTOMER
            email = Personal(Category.EMAIL, Use.ORDER_NOTIFICATIONS, Use.CUSTOMER_CARE)
            not_personal = ["id", "number", "created_at"]

Categories and purposes are fideslang keys (the open Fides taxonomy), with a few
extensions of our own where fideslang has none. ``vivre.privacy.checks`` refuses
any model whose fields are not all accounted for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import models


class Category:
    """Data categories used by Vivre (fideslang ``data_category`` keys)."""

    NAME = "user.name"
    EMAIL = "user.contact.email"
    PHONE = "user.contact.phone_number"
    ADDRESS = "user.contact.address"
    STREET = "user.contact.address.street"
    CITY = "user.contact.address.city"
    STATE = "user.contact.address.state"
    POSTAL_CODE = "user.contact.address.postal_code"
    COUNTRY = "user.contact.address.country"
    IP_ADDRESS = "user.device.ip_address"
    PSEUDONYMOUS_ID = "user.unique_id.pseudonymous"
    USERNAME = "user.account.username"
    PASSWORD = "user.authorization.password"  # noqa: S105 (a category name)
    ACCOUNT_ACTIVITY = "user.account"
    DEVICE = "user.device"
    COOKIE_ID = "user.device.cookie_id"
    CREDIT_CARD = "user.financial.credit_card"
    FINANCIAL = "user.financial"
    PURCHASE_HISTORY = "user.behavior.purchase_history"
    PRIVATE_CONTENT = "user.content.private"
    AGE_RANGE = "user.demographic.age_range"
    # Extensions: fideslang has no income band.
    INCOME_RANGE = "user.demographic.income_range"


class Use:
    """Purposes personal data may serve (fideslang ``data_use`` keys)."""

    PROVIDE_SERVICE = "essential.service"
    PAYMENT = "essential.service.payment_processing"
    ORDER_NOTIFICATIONS = "essential.service.notifications.email"
    CUSTOMER_CARE = "essential.service.operations.support"
    FULFILMENT = "essential.service.operations"
    SECURITY = "essential.service.security"
    DIAGNOSTICS = "analytics.reporting.system"
    FRAUD = "essential.fraud_detection"
    LEGAL = "essential.legal_obligation"
    MARKETING_EMAIL = "marketing.communications.email"
    PERSONALIZE = "personalize.content"
    ANALYTICS = "analytics.reporting"


class Subject:
    """Whose data a model holds (fideslang ``data_subject`` keys)."""

    CUSTOMER = "customer"
    VISITOR = "anonymous_user"
    EMPLOYEE = "employee"


# Keys we use that the fideslang default taxonomy lacks, with their parent there.
EXTENSION_CATEGORIES = {
    "user.demographic.income_range": "user.demographic",
    "user.behavior.purchase_history": "user",
}
EXTENSION_USES: dict[str, str] = {}


@dataclass(frozen=True)
class Personal:
    """A declaration that a field holds personal data of one category."""

    category: str
    purposes: tuple[str, ...] = field(default=())

    def __init__(self, category: str, *purposes: str):
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "purposes", tuple(purposes))


@dataclass(frozen=True)
class FieldEntry:
    """One declared personal-data field of one model."""

    model: type[models.Model]
    field: str
    category: str
    purposes: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


@cache
def fideslang_keys() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Return the known (category, use, subject) keys: fideslang's plus our extensions."""
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    categories = {c.fides_key for c in DEFAULT_TAXONOMY.data_category} | set(EXTENSION_CATEGORIES)
    uses = {u.fides_key for u in DEFAULT_TAXONOMY.data_use} | set(EXTENSION_USES)
    subjects = {s.fides_key for s in DEFAULT_TAXONOMY.data_subject}
    return frozenset(categories), frozenset(uses), frozenset(subjects)


def declaration(model: type[models.Model]):
    """Return the model's ``PersonalData`` class, or None."""
    return getattr(model, "PersonalData", None)


def declared_fields(model: type[models.Model]) -> list[FieldEntry]:
    """Return the personal-data fields a model declares, in field order."""
    decl = declaration(model)
    if decl is None:
        return []
    entries = []
    for f in model._meta.concrete_fields:
        spec = getattr(decl, f.name, None)
        if isinstance(spec, Personal):
            entries.append(FieldEntry(model, f.name, spec.category, spec.purposes))
    return entries


def governed_models() -> list[type[models.Model]]:
    """Return every concrete model of a Vivre app: each must declare its personal data."""
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("vivre.") and not m._meta.abstract and not m._meta.proxy
    ]


def data_map() -> list[FieldEntry]:
    """Return every declared personal-data field across the shop."""
    return [entry for model in governed_models() for entry in declared_fields(model)]


def as_fides_dataset() -> dict:
    """Return the data map as a fideslang Dataset document (for Fides and auditors)."""
    collections: dict[str, list[dict]] = {}
    for entry in data_map():
        collections.setdefault(entry.model._meta.db_table, []).append(
            {
                "name": entry.model._meta.get_field(entry.field).column,
                "data_categories": [entry.category],
                "description": f"Purposes: {', '.join(entry.purposes)}",
            }
        )
    return {
        "dataset": [
            {
                "fides_key": "vivre_store",
                "name": "Vivre store database",
                "collections": [
                    {"name": table, "fields": fields} for table, fields in collections.items()
                ],
            }
        ]
    }
