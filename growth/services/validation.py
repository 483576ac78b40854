"""One way for every service to refuse bad input: all the errors at once."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def validate(instance, errors: dict | None = None) -> None:
    """Run ``instance``'s own validation and add ``errors`` (field -> messages)
    found by the service; raise them all together, keyed by field, or nothing."""
    errors = {field: list(messages) for field, messages in (errors or {}).items()}
    try:
        instance.full_clean()
    except ValidationError as error:
        for field, messages in error.update_error_dict({}).items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
