"""Belgian identifiers, checked with python-stdnum."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.be import vat as be_vat
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError


def clean_enterprise_number(value: str) -> str:
    """'0403.170.701' or 'BE0403170701' -> '0403170701'; a clear error otherwise."""
    try:
        return str(be_vat.validate(value))
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The check digits of this enterprise number are wrong."), code="checksum"
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _("An enterprise number has 10 digits, for example 0403.170.701."), code="format"
        ) from exc


def clean_vat_number(value: str) -> str:
    """A Belgian VAT number, stored as 'BE' + 10 digits."""
    compact = value.strip().upper().replace(" ", "").replace(".", "")
    if compact and not compact.startswith("BE") and compact[:2].isalpha():
        # Another member state's number: keep as given, checked by its own rules.
        from stdnum.eu import vat as eu_vat

        try:
            return str(eu_vat.validate(compact))
        except StdnumError as exc:
            raise ValidationError(_("This VAT number is not valid."), code="vat") from exc
    try:
        return "BE" + str(be_vat.validate(compact))
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The check digits of this VAT number are wrong."), code="checksum"
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _("A Belgian VAT number is BE followed by 10 digits."), code="format"
        ) from exc


def format_enterprise_number(value: str) -> str:
    return f"{value[:4]}.{value[4:7]}.{value[7:]}" if len(value) == 10 else value
