"""Two-factor login in the API: my status, and the network's and company's policies.
Enrolment itself (a QR code, a passkey ceremony) happens in the browser's pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from smartwork.accounts.models import Organisation
from smartwork.core.errors import NotFound
from smartwork.network.models import Network
from smartwork.twofactor import selectors, services
from smartwork.twofactor.schemas import PolicyIn, PolicyOut, TwoFactorStatusOut

router = Router(tags=["two-factor"])


@router.get("/me/two-factor", response=TwoFactorStatusOut,
            summary="My second factors, and whether a policy requires one")
def status(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    requirement = selectors.two_factor_requirement(user=user)
    return {"totp": selectors.totp_device(user=user) is not None,
            "passkeys": selectors.passkey_list(user=user).count(),
            "recovery_codes_left": selectors.recovery_codes_left(user=user),
            "required": requirement.required, "grace_until": requirement.grace_until}


def _network(network_id: int) -> Network:
    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        raise NotFound(_("No such network."))
    return network


def _company(company_id: int) -> Organisation:
    company = Organisation.objects.filter(pk=company_id).first()
    if company is None:
        raise NotFound(_("No such company."))
    return company


@router.get("/networks/{network_id}/two-factor-policy", response=PolicyOut,
            summary="The network's two-factor policy for its staff (operator)")
def network_policy_get(request: HttpRequest, network_id: int) -> Any:
    return selectors.network_policy_get(actor=request.user, network=_network(network_id))  # type: ignore[arg-type]


@router.put("/networks/{network_id}/two-factor-policy", response=PolicyOut,
            summary="Require two-factor login of the network's operators, centre managers "
                    "and company admins (operator)")
def network_policy_set(request: HttpRequest, network_id: int, data: PolicyIn) -> Any:
    return services.network_policy_set(actor=request.user, network=_network(network_id),  # type: ignore[arg-type]
                                       **data.dict())


@router.get("/companies/{company_id}/two-factor-policy", response=PolicyOut,
            summary="The company's two-factor policy for its staff (company admin)")
def company_policy_get(request: HttpRequest, company_id: int) -> Any:
    return selectors.company_policy_get(actor=request.user, company=_company(company_id))  # type: ignore[arg-type]


@router.put("/companies/{company_id}/two-factor-policy", response=PolicyOut,
            summary="Require two-factor login of every member of the company's staff "
                    "(company admin)")
def company_policy_set(request: HttpRequest, company_id: int, data: PolicyIn) -> Any:
    return services.company_policy_set(actor=request.user, company=_company(company_id),  # type: ignore[arg-type]
                                       **data.dict())
