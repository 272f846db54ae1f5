"""System checks that make an undeclared personal-data field fail ``manage.py check``."""

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from .datamap import (
    NO_ANONYMOUS_VALUE,
    Erasure,
    Personal,
    anonymous_value,
    declaration,
    declared_fields,
    fideslang_keys,
    governed_models,
    holds_customer_data,
    ownership,
)


def check_model(model) -> list[checks.CheckMessage]:
    """Return the data-map errors of one model."""
    errors: list[checks.CheckMessage] = []
    decl = declaration(model)
    label = model._meta.label
    if decl is None:
        return [
            checks.Error(
                f"{label} declares no PersonalData.",
                hint="Add a nested `class PersonalData:` that classifies every field "
                "(see vivre/privacy/datamap.py).",
                obj=model,
                id="privacy.E004",
            )
        ]
    categories, uses, subjects = fideslang_keys()
    not_personal = set(getattr(decl, "not_personal", ()))
    field_names = {f.name for f in model._meta.concrete_fields}
    declared = {name: spec for name, spec in vars(decl).items() if isinstance(spec, Personal)}
    for f in model._meta.concrete_fields:
        if f.name not in declared and f.name not in not_personal:
            errors.append(
                checks.Error(
                    f"{label}.{f.name} is not in the data map.",
                    hint="Declare it in PersonalData with its category and purposes, "
                    "or list it in not_personal.",
                    obj=model,
                    id="privacy.E001",
                )
            )
    for name, spec in declared.items():
        if spec.category not in categories:
            errors.append(
                checks.Error(
                    f"{label}.{name}: unknown data category {spec.category!r}.",
                    obj=model,
                    id="privacy.E002",
                )
            )
        if not spec.purposes:
            errors.append(
                checks.Error(f"{label}.{name} names no purpose.", obj=model, id="privacy.E003")
            )
        for purpose in spec.purposes:
            if purpose not in uses:
                errors.append(
                    checks.Error(
                        f"{label}.{name}: unknown purpose {purpose!r}.",
                        obj=model,
                        id="privacy.E003",
                    )
                )
    for name in (set(declared) | not_personal) - field_names:
        errors.append(
            checks.Error(
                f"{label}.PersonalData names {name!r}, which is not a field.",
                obj=model,
                id="privacy.E005",
            )
        )
    if declared and getattr(decl, "subject", None) not in subjects:
        errors.append(
            checks.Error(
                f"{label}.PersonalData.subject must name a fideslang data subject.",
                obj=model,
                id="privacy.E006",
            )
        )
    return errors


def _lookup_target(model, path: str):
    """Return the model an ORM lookup path through relations ends at, or None."""
    current = model
    for part in path.split("__"):
        try:
            f = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not f.is_relation or f.related_model is None:
            return None
        current = f.related_model
    return current


def _model_or_none(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _ownership_way_errors(model, own) -> list[str]:
    """Return what is wrong with the ways a model says its rows are found."""
    problems = []
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    if own.owner == "self":
        if model is not user_model:
            problems.append('owner = "self" is only for the user model')
    elif own.owner is not None and (
        not isinstance(own.owner, str) or _lookup_target(model, own.owner) is not user_model
    ):
        problems.append(f"owner {own.owner!r} is not a lookup path to {user_model._meta.label}")
    for name, label in own.owned_with.items():
        if not _has_field(model, name):
            problems.append(f"owned_with names {name!r}, which is not a field")
        elif label is None and not model._meta.get_field(name).is_relation:
            problems.append(f"owned_with {name!r} is not a foreign key: name its model")
        elif label is not None and _model_or_none(label) is None:
            problems.append(f"owned_with names the unknown model {label!r}")
    for label, names in own.owned_by.items():
        source = _model_or_none(label)
        if source is None:
            problems.append(f"owned_by names the unknown model {label!r}")
            continue
        for name in names:
            if (
                not _has_field(source, name)
                or source._meta.get_field(name).related_model is not model
            ):
                problems.append(f"owned_by: {label}.{name} is not a foreign key to this model")
    for name in (*own.owner_email, *own.owner_key, *(own.owner_ref or ())):
        if not _has_field(model, name):
            problems.append(f"names {name!r} as an owner field, which is not a field")
    if own.owner_ref is not None and len(own.owner_ref) != 2:
        problems.append("owner_ref must be (model label field, primary key field)")
    return problems


def check_ownership(model) -> list[checks.CheckMessage]:
    """Return the errors in how a model says whose rows they are and what erasure does."""
    own = ownership(model)
    if own is None:
        return []
    label = model._meta.label
    errors: list[checks.CheckMessage] = []
    unowned = not own.is_owned
    if unowned and holds_customer_data(model) and not own.owner_reason:
        errors.append(
            checks.Error(
                f"{label} holds a customer's personal data but does not say how their "
                "rows are found.",
                hint="Declare owner (a lookup path to the user), owned_with, owned_by, "
                "owner_email, owner_key or owner_ref in PersonalData; or owner = None "
                "with owner_reason for data never tied to an account.",
                obj=model,
                id="privacy.E007",
            )
        )
    if unowned:
        return errors
    if own.erasure not in Erasure.ALL:
        errors.append(
            checks.Error(
                f"{label}.PersonalData does not say what erasure does to a customer's rows.",
                hint="Set erasure = Erasure.DELETE, Erasure.ANONYMIZE or Erasure.KEEP.",
                obj=model,
                id="privacy.E008",
            )
        )
    if own.erasure == Erasure.KEEP and not own.erasure_reason:
        errors.append(
            checks.Error(
                f"{label} keeps a customer's rows at erasure without saying why.",
                hint="Set erasure_reason.",
                obj=model,
                id="privacy.E009",
            )
        )
    for problem in _ownership_way_errors(model, own):
        errors.append(
            checks.Error(f"{label}.PersonalData: {problem}.", obj=model, id="privacy.E010")
        )
    personal = {e.field for e in declared_fields(model)}
    for attr in ("anonymize", "retain", "not_exported"):
        for name in getattr(own, attr):
            if name not in personal:
                errors.append(
                    checks.Error(
                        f"{label}.PersonalData.{attr} names {name!r}, which is not a "
                        "declared personal field.",
                        obj=model,
                        id="privacy.E011",
                    )
                )
    for name, reason in (*own.retain.items(), *own.not_exported.items()):
        if not reason:
            errors.append(
                checks.Error(
                    f"{label}.{name}: a retained or withheld field needs its reason.",
                    obj=model,
                    id="privacy.E011",
                )
            )
    if own.erasure == Erasure.ANONYMIZE:
        for name in sorted(personal - set(own.retain)):
            if anonymous_value(model, name) is NO_ANONYMOUS_VALUE:
                errors.append(
                    checks.Error(
                        f"{label}.{name} cannot be blanked when a row is anonymized.",
                        hint="Declare its anonymous value in anonymize, or keep it "
                        "with its reason in retain.",
                        obj=model,
                        id="privacy.E012",
                    )
                )
    return errors


@checks.register("privacy")
def check_data_map(app_configs=None, **kwargs):
    """Every concrete field of every Vivre model is declared in the data map."""
    errors = []
    for model in governed_models():
        if app_configs is None or model._meta.app_config in app_configs:
            errors.extend(check_model(model))
            errors.extend(check_ownership(model))
    return errors
