"""`manage.py check` refuses a bad emission factor or towns file at start-up,
rather than at the first report."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register()
def insights_data_files(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from smartwork.insights.factors import EmissionFactorFileError, load_emission_factors
    from smartwork.insights.towns import load_towns

    errors: list[checks.CheckMessage] = []
    try:
        load_emission_factors()
    except EmissionFactorFileError as exc:
        errors.append(checks.Error(exc.message, hint="Fix the file or SMARTWORK['EMISSION_FACTORS_FILE'].",
                                   id="insights.E001"))
    try:
        load_towns()
    except (OSError, ValueError, KeyError) as exc:
        errors.append(checks.Error(f"Towns file: {exc}", id="insights.E002"))
    return errors
