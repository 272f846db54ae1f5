"""System checks that make an undeclared personal-data field fail ``manage.py check``."""

from django.core import checks

from .datamap import Personal, declaration, fideslang_keys, governed_models


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


@checks.register("privacy")
def check_data_map(app_configs=None, **kwargs):
    """Every concrete field of every Vivre model is declared in the data map."""
    errors = []
    for model in governed_models():
        if app_configs is None or model._meta.app_config in app_configs:
            errors.extend(check_model(model))
    return errors
