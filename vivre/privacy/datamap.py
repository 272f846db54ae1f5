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

The same declaration says whose rows they are and what closing an account does
to them, so that a customer's data export and erasure are derived from the map,
never listed by hand. A model says how a customer's rows are found, in one or
more of these ways (a row is the customer's if any of them matches):

``owner = "customer"``
    an ORM lookup path to ``accounts.User`` (``"self"`` on the user model,
    ``"cart__customer"`` through another table).
``owned_with = "order"`` or ``{"order_id": "orders.Order"}``
    the row belongs to whoever owns the row that field points at: a foreign
    key, or a plain id column with the model it names.
``owned_by = {"orders.Order": ("shipping_address", "billing_address")}``
    the row is the customer's if one of their rows of that model points at it.
``owner_email = "to_address"``
    the field holds the customer's e-mail address (matched case-insensitively).
``owner_key = "subject_key"``
    the field holds one of the customer's pseudonymous ledger keys
    (``consent.subject_key_for_customer`` / ``subject_key_for_email``).
``owner_ref = ("subject_type", "subject_id")``
    the row names any of the customer's rows by model label and primary key.

Data never tied to an account says so: ``owner = None`` with ``owner_reason``.

Then ``erasure`` says what closing the account does (:class:`Erasure`): delete
the rows, anonymize them (every declared personal field is blanked, or set from
``anonymize``, except those in ``retain``, each with its reason), or keep them
(``erasure_reason`` says why). ``not_exported`` names fields whose value a
data export withholds (a password hash), with the reason shown in its place::

    class Order(models.Model):
        class PersonalData:
            subject = Subject.CUSTOMER
            owner = "customer"
            erasure = Erasure.ANONYMIZE
            erasure_reason = "Kept for tax records, without who bought."
            ...
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
    # Extension: the print catalogue and other mail sent by post.
    MARKETING_POSTAL = "marketing.communications.postal"
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
EXTENSION_USES: dict[str, str] = {
    "marketing.communications.postal": "marketing.communications",
}


@dataclass(frozen=True)
class Personal:
    """A declaration that a field holds personal data of one category."""

    category: str
    purposes: tuple[str, ...] = field(default=())

    def __init__(self, category: str, *purposes: str):
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "purposes", tuple(purposes))


class Erasure:
    """What closing an account does to the customer's rows of a model (``PersonalData.erasure``)."""

    DELETE = "delete"  # the rows go
    ANONYMIZE = "anonymize"  # the rows stay, every declared personal field blanked
    KEEP = "keep"  # the rows stay as they are; ``erasure_reason`` says why

    ALL = (DELETE, ANONYMIZE, KEEP)


#: The attributes of ``PersonalData`` that say how a customer's rows are found.
OWNERSHIP_WAYS = ("owner", "owned_with", "owned_by", "owner_email", "owner_key", "owner_ref")


@dataclass(frozen=True)
class Ownership:
    """How a model's rows are tied to a customer, and what erasure does to them.

    Read from ``PersonalData`` by :func:`ownership`, normalised: every way is a
    tuple or a dict, empty when not declared.
    """

    model: type[models.Model]
    owner: str | None = None
    owned_with: dict[str, str | None] = field(default_factory=dict)
    owned_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    owner_email: tuple[str, ...] = ()
    owner_key: tuple[str, ...] = ()
    owner_ref: tuple[str, str] | None = None
    owner_reason: str = ""
    erasure: str | None = None
    erasure_reason: str = ""
    anonymize: dict[str, object] = field(default_factory=dict)
    retain: dict[str, str] = field(default_factory=dict)
    not_exported: dict[str, str] = field(default_factory=dict)

    @property
    def is_owned(self) -> bool:
        """Return True if a customer's rows of this model can be found."""
        return bool(
            self.owner
            or self.owned_with
            or self.owned_by
            or self.owner_email
            or self.owner_key
            or self.owner_ref
        )


def _names(value) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def ownership(model: type[models.Model]) -> Ownership | None:
    """Return the model's ownership and erasure declaration, or None without PersonalData."""
    decl = declaration(model)
    if decl is None:
        return None
    owned_with = getattr(decl, "owned_with", None) or {}
    if not isinstance(owned_with, dict):
        # Plain names are foreign keys: the target model comes from the field.
        owned_with = dict.fromkeys(_names(owned_with))
    owned_by = {
        label: _names(fields) for label, fields in (getattr(decl, "owned_by", None) or {}).items()
    }
    owner_ref = getattr(decl, "owner_ref", None)
    return Ownership(
        model=model,
        owner=getattr(decl, "owner", None),
        owned_with=dict(owned_with),
        owned_by=owned_by,
        owner_email=_names(getattr(decl, "owner_email", None)),
        owner_key=_names(getattr(decl, "owner_key", None)),
        owner_ref=tuple(owner_ref) if owner_ref else None,
        owner_reason=getattr(decl, "owner_reason", "") or "",
        erasure=getattr(decl, "erasure", None),
        erasure_reason=getattr(decl, "erasure_reason", "") or "",
        anonymize=dict(getattr(decl, "anonymize", None) or {}),
        retain=dict(getattr(decl, "retain", None) or {}),
        not_exported=dict(getattr(decl, "not_exported", None) or {}),
    )


def holds_customer_data(model: type[models.Model]) -> bool:
    """Return True if the model declares personal fields whose subject is the customer."""
    decl = declaration(model)
    return (
        decl is not None
        and getattr(decl, "subject", None) == Subject.CUSTOMER
        and bool(declared_fields(model))
    )


#: Returned by :func:`anonymous_value` when a field has no value that says "nobody".
NO_ANONYMOUS_VALUE = object()


def anonymous_value(model: type[models.Model], name: str):
    """Return what an anonymized row holds in ``name`` instead of the customer's value.

    The declared ``anonymize`` value if there is one; else NULL where the column
    allows it, or the empty string for text; else ``NO_ANONYMOUS_VALUE`` (the
    check then asks for a declared value).
    """
    own = ownership(model)
    if own is not None and name in own.anonymize:
        return own.anonymize[name]
    f = model._meta.get_field(name)
    if f.null:
        return None
    if isinstance(f, models.CharField | models.TextField):
        return ""
    return NO_ANONYMOUS_VALUE


def anonymized_values(model: type[models.Model]) -> dict[str, object]:
    """Return the column values an anonymized row of ``model`` is updated with."""
    own = ownership(model)
    retain = own.retain if own else {}
    values = {}
    for entry in declared_fields(model):
        if entry.field in retain:
            continue
        value = anonymous_value(model, entry.field)
        if value is NO_ANONYMOUS_VALUE:
            raise ValueError(f"{entry.label} has no anonymous value; declare one in anonymize.")
        values[model._meta.get_field(entry.field).attname] = value
    return values


def customer_keys(user) -> list[str]:
    """Return every ledger key a customer's rows may be filed under."""
    from .consent import subject_key_for_customer, subject_key_for_email

    keys = [subject_key_for_customer(user.pk)]
    if user.email:
        keys.append(subject_key_for_email(user.email))
    return keys


class _OwnedRows:
    """Find the primary keys of a customer's rows, model by model, once each."""

    def __init__(self, user):
        self.user = user
        self.keys = customer_keys(user)
        self.found: dict[type[models.Model], list] = {}
        self.resolving: set[type[models.Model]] = set()

    def pks(self, model: type[models.Model]) -> list:
        if model in self.found:
            return self.found[model]
        if model in self.resolving:
            raise ValueError(f"{model._meta.label}: ownership declarations form a loop.")
        own = ownership(model)
        if own is None or not own.is_owned:
            return []
        self.resolving.add(model)
        try:
            condition = self._condition(own)
            pks = (
                list(model._base_manager.filter(condition).values_list("pk", flat=True))
                if condition is not None
                else []
            )
        finally:
            self.resolving.discard(model)
        self.found[model] = pks
        return pks

    def _condition(self, own: Ownership) -> models.Q | None:
        model = own.model
        parts: list[models.Q] = []
        if own.owner == "self":
            parts.append(models.Q(pk=self.user.pk))
        elif own.owner:
            parts.append(models.Q(**{own.owner: self.user.pk}))
        for name, label in own.owned_with.items():
            target = apps.get_model(label) if label else model._meta.get_field(name).related_model
            ids = self.pks(target)
            if ids:
                parts.append(models.Q(**{f"{name}__in": ids}))
        for label, names in own.owned_by.items():
            source = apps.get_model(label)
            ids = self.pks(source)
            if ids:
                rows = source._base_manager.filter(pk__in=ids)
                pointed = {pk for name in names for pk in rows.values_list(name, flat=True) if pk}
                if pointed:
                    parts.append(models.Q(pk__in=pointed))
        if self.user.email:
            for name in own.owner_email:
                parts.append(models.Q(**{f"{name}__iexact": self.user.email}))
        for name in own.owner_key:
            parts.append(models.Q(**{f"{name}__in": self.keys}))
        if own.owner_ref:
            type_field, id_field = own.owner_ref
            for other in governed_models():
                other_own = ownership(other)
                if other is model or other_own is None or other_own.owner_ref:
                    continue
                ids = self.pks(other)
                if ids:
                    parts.append(
                        models.Q(
                            **{
                                type_field: other._meta.label,
                                f"{id_field}__in": [str(pk) for pk in ids],
                            }
                        )
                    )
        if not parts:
            return None
        condition = parts[0]
        for part in parts[1:]:
            condition |= part
        return condition


def owned_rows(user) -> dict[type[models.Model], list]:
    """Return the primary keys of every row the data map says is ``user``'s, by model.

    A snapshot: erasure reads it before changing anything, since blanking an
    order's customer or e-mail would hide the rows found through it.
    """
    finder = _OwnedRows(user)
    result = {}
    for model in governed_models():
        pks = finder.pks(model)
        if pks:
            result[model] = pks
    return result


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
