"""API of company single sign-on: the company admin reads and sets the provider. The
client secret is write-only (`client_secret_set` says whether one is stored)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from smartwork.sso import selectors, services
from smartwork.sso.models import CompanySso

router = Router(tags=["sso"])


class SsoIn(Schema):
    issuer: str = Field(max_length=300, description="The provider's issuer URL")
    client_id: str = Field(max_length=200)
    client_secret: str | None = Field(
        default=None, max_length=500,
        description="Write-only; leave out to keep the stored one (required the first time)")
    domains: list[str] = Field(max_length=20, description="Email domains routed to it")
    leaver_claim: str = Field(default="", max_length=100,
                              description="ID-token claim that is true for a leaver")
    enabled: bool = True


class SsoOut(Schema):
    company_id: int
    connected: bool
    issuer: str
    client_id: str
    client_secret_set: bool
    domains: list[str]
    leaver_claim: str
    enabled: bool
    redirect_uri: str


def _out(request: HttpRequest, sso: CompanySso) -> dict[str, Any]:
    from smartwork.sso.views import redirect_uri

    return {"company_id": sso.company_id, "connected": sso.pk is not None, "issuer": sso.issuer, "client_id": sso.client_id,
            "client_secret_set": sso.has_secret,
            "domains": sorted(d.domain for d in sso.domains.all()) if sso.pk else [],
            "leaver_claim": sso.leaver_claim, "enabled": sso.enabled,
            "redirect_uri": redirect_uri(request)}


@router.get("/companies/{company_id}/sso", response=SsoOut,
            summary="The company's single sign-on (OpenID Connect provider); connected false if none")
def sso_detail(request: HttpRequest, company_id: int) -> Any:
    company = selectors.sso_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    sso = selectors.sso_of(actor=request.user, company=company)  # type: ignore[arg-type]
    # Not connected yet: empty settings (connected false), with the redirect URI to register.
    return _out(request, sso or CompanySso(company=company, issuer="", client_id=""))


@router.put("/companies/{company_id}/sso", response=SsoOut,
            summary="Connect or change the company's identity provider")
def sso_set(request: HttpRequest, company_id: int, data: SsoIn) -> Any:
    company = selectors.sso_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    sso = services.sso_configure(actor=request.user, company=company,  # type: ignore[arg-type]
                                 issuer=data.issuer, client_id=data.client_id,
                                 client_secret=data.client_secret, domains=data.domains,
                                 leaver_claim=data.leaver_claim, enabled=data.enabled)
    return _out(request, sso)


@router.delete("/companies/{company_id}/sso", response={204: None},
               summary="Disconnect the company's identity provider")
def sso_delete(request: HttpRequest, company_id: int) -> Any:
    company = selectors.sso_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    services.sso_disconnect(actor=request.user, company=company)  # type: ignore[arg-type]
    return Status(204, None)
