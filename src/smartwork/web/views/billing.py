"""Invoices for everyone who receives them; for the operator the invoicing run with
its progress, payments and bank statements, settlements and payouts, clearing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.billing import selectors as billing_selectors
from smartwork.billing.calc import period_parse
from smartwork.billing.choices import OPEN_STATES, InvoiceState, RunState
from smartwork.billing.clearing import clearings_create
from smartwork.billing.payments import MAX_CAMT_BYTES, camt_import, payment_assign
from smartwork.billing.pdf import invoice_pdf, settlement_pdf
from smartwork.billing.run import invoice_run_start
from smartwork.billing.settlement import (
    payout_batch_create,
    settlement_approve,
    settlements_create,
)
from smartwork.billing.ubl import invoice_ubl
from smartwork.core.errors import Conflict, DomainError, InvalidInput
from smartwork.core.forms import id_from_text
from smartwork.core.permissions import roles_of
from smartwork.web.forms import CamtForm, PayoutForm, PeriodForm
from smartwork.web.views.helpers import (
    AuthedRequest,
    apply_domain_error,
    is_htmx,
    page,
    require_page,
)
from smartwork.web.views.staff import operator_network


def last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


def _download(body: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Invoices (operator, company admin, member) ---------------------------------


@login_required
@page
def invoices(request: AuthedRequest) -> HttpResponse:
    qs = billing_selectors.invoices_for(user=request.user).select_related(
        "customer_organisation", "customer_member").order_by("-issue_date", "-id")
    state = request.GET.get("state", "")
    if state in InvoiceState.values:
        qs = qs.filter(state=state)
    company = id_from_text(request.GET.get("company"))
    if company is not None:
        qs = qs.filter(customer_organisation_id=company)
    run = id_from_text(request.GET.get("run"))
    if run is not None:
        qs = qs.filter(run_id=run)
    return render(request, "web/billing/invoices.html", {
        "invoices": qs[:300], "state": state, "states": InvoiceState.choices})


def _document(request: AuthedRequest, invoice_id: int) -> Any:
    invoice = billing_selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    if invoice.number is None:
        raise InvalidInput(_("A draft has no document yet."))
    return invoice


def _invoice_download(request: AuthedRequest, invoice_id: int, render: Any, extension: str,
                      content_type: str) -> HttpResponse:
    try:
        invoice = _document(request, invoice_id)
        content = render(invoice)
    except (InvalidInput, Conflict) as exc:
        # A draft, or no e-invoice for a customer who is not a Peppol recipient.
        messages.error(request, exc.message)
        return redirect("web:invoices")
    return _download(content, f"{invoice.display_number}.{extension}", content_type)


@login_required
@page
def invoice_pdf_download(request: AuthedRequest, invoice_id: int) -> HttpResponse:
    return _invoice_download(request, invoice_id, invoice_pdf, "pdf", "application/pdf")


@login_required
@page
def invoice_ubl_download(request: AuthedRequest, invoice_id: int) -> HttpResponse:
    return _invoice_download(request, invoice_id, invoice_ubl, "xml", "application/xml")


# --- Operator: the invoicing run ------------------------------------------------


@login_required
@page
def invoicing(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "network.billing", network=network)
    form = PeriodForm(request.POST or None, initial={"period": last_month()})
    if request.method == "POST" and form.is_valid():
        try:
            run = invoice_run_start(actor=request.user, network=network,
                                    period=period_parse(form.cleaned_data["period"]))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("web:invoice_run", run.pk)
    runs = billing_selectors.runs_for(user=request.user).filter(network=network).order_by(
        "-started_at")[:20]
    return render(request, "web/billing/invoicing.html", {"form": form, "runs": runs,
                                                          "network": network})


@login_required
@page
def invoice_run(request: AuthedRequest, run_id: int) -> HttpResponse:
    """The run's progress; the page polls itself (htmx) until the run is over."""
    run = billing_selectors.get_or_404(billing_selectors.runs_for(user=request.user), run_id,
                                       "run")
    done = run.state != RunState.RUNNING
    percent = (100 if done else
               round(100 * run.customers_done / run.customers_total) if run.customers_total
               else 0)
    context = {"run": run, "done": done, "percent": percent,
               "invoices": billing_selectors.invoices_for(user=request.user).filter(run=run)
               .select_related("customer_organisation", "customer_member").order_by("number")
               if done else []}
    if is_htmx(request):
        return render(request, "web/billing/run.html#progress", context)
    return render(request, "web/billing/run.html", context)


# --- Operator: payments and bank statements -------------------------------------


@login_required
@page
def payments(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "network.billing", network=network)
    form = CamtForm()
    if request.method == "POST":
        form = CamtForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_CAMT_BYTES:
                form.add_error("file", _("The file is too large for a bank statement."))
            else:
                try:
                    result = camt_import(actor=request.user, network=network,
                                         data=upload.read())
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    for statement in result.statements:
                        matched = statement.payments.filter(invoice__isnull=False).count()
                        messages.success(request, _(
                            "Statement %(id)s imported: %(n)s entries, %(m)s matched to "
                            "invoices.") % {"id": statement.statement_id,
                                            "n": statement.entry_count, "m": matched})
                    for statement in result.already_imported:
                        messages.warning(request, _(
                            "Statement %(id)s was already imported: skipped.")
                            % {"id": statement.statement_id})
                    if result.duplicates or result.flagged:
                        messages.warning(request, _(
                            "%(d)s entries were already read from an earlier statement and "
                            "were not counted again; %(f)s payments are overpayments left "
                            "for you to check.") % {"d": result.duplicates,
                                                    "f": result.flagged})
                    return redirect("web:payments")
    qs = billing_selectors.payments_for(user=request.user).filter(network=network).order_by(
        "-value_date", "-id")
    open_invoices = billing_selectors.invoices_for(user=request.user).filter(
        network=network, state__in=list(OPEN_STATES)).order_by("number")
    return render(request, "web/billing/payments.html", {
        "form": form,
        "unmatched": qs.filter(invoice__isnull=True).select_related("flag_invoice")[:100],
        "matched": qs.filter(invoice__isnull=False).select_related("invoice")[:100],
        "open_invoices": open_invoices})


@login_required
@require_POST
@page
def payment_assign_view(request: AuthedRequest, payment_id: int) -> HttpResponse:
    payment = billing_selectors.get_or_404(billing_selectors.payments_for(user=request.user),
                                           payment_id, "payment")
    invoice_id = id_from_text(request.POST.get("invoice"))
    invoice = (billing_selectors.invoices_for(user=request.user).filter(pk=invoice_id)
               .first() if invoice_id is not None else None)
    if invoice is None:
        messages.error(request, _("Choose the invoice this payment settles."))
    else:
        try:
            payment_assign(actor=request.user, payment=payment, invoice=invoice)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Payment matched to invoice %(n)s.") % {
                "n": invoice.display_number})
    return redirect("web:payments")


# --- Settlements, payouts, clearing ---------------------------------------------


@login_required
@page
def settlements(request: AuthedRequest) -> HttpResponse:
    """The operator draws up and approves settlements and the payout file; a centre
    manager reads their own centre's statements. Anyone else: 403, not an empty page."""
    billing_selectors.billing_list_allowed(user=request.user, managers=True)
    network = None
    operator = bool(roles_of(request.user).operator_networks or request.user.is_superuser)
    if operator:
        network = operator_network(request)
    form = PeriodForm(prefix="s", initial={"period": last_month()})
    payout = PayoutForm(prefix="p", initial={"period": last_month(),
                                             "execution_date": timezone.localdate()})
    if request.method == "POST" and network is not None and "create" in request.POST:
        form = PeriodForm(request.POST, prefix="s")
        if form.is_valid():
            try:
                made = settlements_create(actor=request.user, network=network,
                                          period=period_parse(form.cleaned_data["period"]))
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("%(n)s settlements drawn up.") % {"n": len(made)})
                return redirect("web:settlements")
    elif request.method == "POST" and network is not None and "payout" in request.POST:
        payout = PayoutForm(request.POST, prefix="p")
        if payout.is_valid():
            try:
                batch = payout_batch_create(
                    actor=request.user, network=network,
                    period=period_parse(payout.cleaned_data["period"]),
                    execution_date=payout.cleaned_data["execution_date"])
            except DomainError as exc:
                apply_domain_error(payout, exc)
            else:
                messages.success(request, _("Payout file ready: %(n)s transfers.") % {
                    "n": batch.transfer_count})
                return redirect("web:settlements")
    qs = billing_selectors.settlements_listed(user=request.user)
    batches = (billing_selectors.payout_batches_for(user=request.user).order_by("-created_at")[:20]
               if operator else [])
    return render(request, "web/billing/settlements.html", {
        "settlements": qs[:200], "form": form, "payout": payout, "operator": operator,
        "batches": batches})


@login_required
@require_POST
@page
def settlement_approve_view(request: AuthedRequest, settlement_id: int) -> HttpResponse:
    settlement = billing_selectors.settlement_get(user=request.user, settlement_id=settlement_id)
    try:
        settlement_approve(actor=request.user, settlement=settlement)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Settlement %(ref)s approved.") % {"ref": settlement.reference})
    return redirect("web:settlements")


@login_required
@require_POST
@page
def settlements_approve_view(request: AuthedRequest) -> HttpResponse:
    """Several settlements approved together (the ticked rows): all or nothing, with a
    report naming each one that stopped it."""
    from smartwork.billing.settlement import settlements_approve

    ids = [i for i in map(id_from_text, request.POST.getlist("ids")) if i is not None]
    try:
        done = settlements_approve(actor=request.user, settlement_ids=ids)
    except DomainError as exc:
        problems = exc.data.get("problems") or []
        messages.error(request, " ".join([exc.message] + [p["message"] for p in problems]))
    else:
        messages.success(request, _("%(n)s settlements approved: %(refs)s.") % {
            "n": len(done), "refs": ", ".join(s.display_number for s in done)})
    return redirect("web:settlements")


@login_required
@page
def settlement_pdf_download(request: AuthedRequest, settlement_id: int) -> HttpResponse:
    settlement = billing_selectors.settlement_get(user=request.user, settlement_id=settlement_id)
    return _download(settlement_pdf(settlement), f"{settlement.reference}.pdf", "application/pdf")


@login_required
@page
def payout_xml(request: AuthedRequest, batch_id: int) -> HttpResponse:
    batch = billing_selectors.get_or_404(billing_selectors.payout_batches_for(user=request.user),
                                         batch_id, "payout batch")
    return _download(batch.xml.encode(), f"{batch.message_id}.xml", "application/xml")


@login_required
@page
def clearing(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "network.billing", network=network)
    form = PeriodForm(request.POST or None, initial={"period": last_month()})
    if request.method == "POST" and form.is_valid():
        try:
            made = clearings_create(actor=request.user, network=network,
                                    period=period_parse(form.cleaned_data["period"]))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("%(n)s clearing statements drawn up.") % {"n": len(made)})
            return redirect("web:clearing")
    statements = billing_selectors.clearings_for(user=request.user).select_related(
        "alliance__network_a", "alliance__network_b").order_by("-period_start")[:100]
    return render(request, "web/billing/clearing.html", {"form": form,
                                                         "statements": statements})
