"""The words on documents sent to customers, in their language (fr, nl, de, en).

A per-language table rather than gettext: a document must come out in the
customer's language whatever the request's language, and these words are few.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "commission_line": "Network commission {rate} % on the value of use at {centre}, {period} (self-billing invoice {number})",
        "self_billing_mention": "Self-billing: invoice drawn up by the customer in the name and on behalf of the supplier (art. 53 § 2 of the Belgian VAT Code).",
        "vat_mention_O": "Not subject to VAT: the supplier has no VAT number",
        "commission_invoice": "Commission invoice", "set_off": "set off", "supplier": "Supplier",
        "customer_label": "Customer", "total_sb": "Total incl. VAT", "hours": "h",
        "total_incl": "Total incl. VAT", "credited": "Credit notes", "already_paid": "Already paid",
        "nothing_due": "Paid in full: nothing left to pay.", "total_credited": "Total credited",
        "cn_deducted": "Nothing to pay: this amount is deducted from what is due on invoice {invoice}.",
        "cn_refunded": "Invoice {invoice} was already paid: {refunded} will be refunded to your account.",
        "cn_mixed": "{deducted} is deducted from what is due on invoice {invoice}; {refunded} will be refunded to your account.",
        "vat_mention_AE": "Reverse charge: VAT due by the customer (art. 51 § 2 of the Belgian VAT Code)",
        "vat_mention_E": "Exempt from VAT (art. 44 of the Belgian VAT Code; art. 132 Directive 2006/112/EC)",
        "vat_mention_Z": "Zero-rated supply",
        "legal_register": "RLE", "payment_terms": "Payment due by {date}",
        "credit_hours": "Time credit {hours} h, valid {start}–{end}",
        "purchase_order": "PO {reference}", "overage": "(overage)",
        "membership_line": "Membership {plan}, {start}–{end}",
        "invoice": "Invoice", "credit_note": "Credit note", "self_billing": "Self-billing invoice",
        "number": "Number", "issue_date": "Issue date", "due_date": "Due date",
        "period": "Period", "customer": "Customer", "issuer": "Issuer",
        "vat_number": "VAT", "enterprise_number": "Enterprise no.",
        "description": "Description", "quantity": "Qty", "unit_price": "Unit price",
        "vat_rate": "VAT", "amount": "Amount excl. VAT", "network_wide": "Whole network",
        "vat_breakdown": "VAT breakdown", "taxable": "Taxable amount", "vat_amount": "VAT",
        "total_net": "Total excl. VAT", "total_vat": "Total VAT", "total_gross": "Total due",
        "pay_to": "Please pay", "by": "by", "to_account": "to account",
        "with_communication": "with the structured communication",
        "scan": "Scan with your banking app", "refers_to": "Credits invoice",
        "centre": "Centre", "commission": "Network commission", "payout": "Paid to you",
        "value": "Value of use", "settlement_note":
            "Statement drawn up by the network operator on behalf of the centre (self-billing).",
        "page": "Page", "credit_note_note": "Nothing to pay: this amount is deducted.",
        "subject": "Your invoice", "body": "Please find attached your invoice",
        "line_credit": "Credit hours used by the network's members",
        "line_roaming": "Credit hours used by guests of allied networks",
        "line_payg": "Pay-as-you-go bookings", "line_membership": "Memberships, attributed by use",
        "line_correction": "Correction for {period}: facts recorded after its statement {number}",
    },
    "fr": {
        "commission_line": "Commission du réseau {rate} % sur la valeur de l'utilisation à {centre}, {period} (autofacture {number})",
        "self_billing_mention": "Autofacturation : facture établie par le client au nom et pour le compte du fournisseur (art. 53, § 2 du Code de la TVA).",
        "vat_mention_O": "Non assujetti à la TVA : le fournisseur n'a pas de numéro de TVA",
        "commission_invoice": "Facture de commission", "set_off": "compensée", "supplier": "Fournisseur",
        "customer_label": "Client", "total_sb": "Total TVAC", "hours": "h",
        "total_incl": "Total TVAC", "credited": "Notes de crédit", "already_paid": "Déjà payé",
        "nothing_due": "Payée : plus rien à payer.", "total_credited": "Total crédité",
        "cn_deducted": "Rien à payer : ce montant est déduit de ce qui reste dû sur la facture {invoice}.",
        "cn_refunded": "La facture {invoice} était déjà payée : {refunded} vous sera remboursé sur votre compte.",
        "cn_mixed": "{deducted} est déduit de ce qui reste dû sur la facture {invoice} ; {refunded} vous sera remboursé sur votre compte.",
        "vat_mention_AE": "Autoliquidation : TVA due par le cocontractant (art. 51, § 2 du Code de la TVA)",
        "vat_mention_E": "Exonération de TVA (art. 44 du Code de la TVA ; art. 132 directive 2006/112/CE)",
        "vat_mention_Z": "Opération au taux zéro",
        "legal_register": "RPM", "payment_terms": "Paiement dû au plus tard le {date}",
        "credit_hours": "Crédit temps {hours} h, valable du {start} au {end}",
        "purchase_order": "bon de commande {reference}", "overage": "(dépassement)",
        "membership_line": "Abonnement {plan}, du {start} au {end}",
        "invoice": "Facture", "credit_note": "Note de crédit",
        "self_billing": "Autofacture", "number": "Numéro",
        "issue_date": "Date d'émission", "due_date": "Échéance", "period": "Période",
        "customer": "Client", "issuer": "Émetteur", "vat_number": "TVA",
        "enterprise_number": "N° d'entreprise", "description": "Description",
        "quantity": "Qté", "unit_price": "Prix unitaire", "vat_rate": "TVA",
        "amount": "Montant HTVA", "network_wide": "Tout le réseau",
        "vat_breakdown": "Détail de la TVA", "taxable": "Base imposable", "vat_amount": "TVA",
        "total_net": "Total HTVA", "total_vat": "Total TVA", "total_gross": "Total à payer",
        "pay_to": "Merci de payer", "by": "avant le", "to_account": "sur le compte",
        "with_communication": "avec la communication structurée",
        "scan": "Scannez avec votre app bancaire", "refers_to": "Crédite la facture",
        "centre": "Centre", "commission": "Commission du réseau", "payout": "Versé au centre",
        "value": "Valeur de l'utilisation", "settlement_note":
            "Relevé établi par l'opérateur du réseau au nom du centre (autofacturation).",
        "page": "Page", "credit_note_note": "Rien à payer : ce montant est déduit.",
        "subject": "Votre facture", "body": "Veuillez trouver ci-joint votre facture",
        "line_credit": "Heures de crédit utilisées par les membres du réseau",
        "line_roaming": "Heures de crédit utilisées par des membres de réseaux alliés",
        "line_payg": "Réservations payées à l'usage",
        "line_membership": "Abonnements, répartis selon l'usage",
        "line_correction": "Correction pour {period} : faits enregistrés après son autofacture {number}",
    },
    "nl": {
        "commission_line": "Netwerkcommissie {rate} % op de waarde van het gebruik in {centre}, {period} (selfbillingfactuur {number})",
        "self_billing_mention": "Selfbilling: factuur opgesteld door de klant in naam en voor rekening van de leverancier (art. 53, § 2 van het Btw-Wetboek).",
        "vat_mention_O": "Niet btw-plichtig: de leverancier heeft geen btw-nummer",
        "commission_invoice": "Commissiefactuur", "set_off": "verrekend", "supplier": "Leverancier",
        "customer_label": "Klant", "total_sb": "Totaal incl. btw", "hours": "u",
        "total_incl": "Totaal incl. btw", "credited": "Creditnota's", "already_paid": "Al betaald",
        "nothing_due": "Betaald: niets meer te betalen.", "total_credited": "Totaal gecrediteerd",
        "cn_deducted": "Niets te betalen: dit bedrag wordt afgetrokken van wat nog openstaat op factuur {invoice}.",
        "cn_refunded": "Factuur {invoice} was al betaald: {refunded} wordt teruggestort op uw rekening.",
        "cn_mixed": "{deducted} wordt afgetrokken van wat nog openstaat op factuur {invoice}; {refunded} wordt teruggestort op uw rekening.",
        "vat_mention_AE": "Verlegging van heffing: btw te voldoen door de medecontractant (art. 51, § 2 van het Btw-Wetboek)",
        "vat_mention_E": "Vrijgesteld van btw (art. 44 van het Btw-Wetboek; art. 132 richtlijn 2006/112/EG)",
        "vat_mention_Z": "Handeling tegen nultarief",
        "legal_register": "RPR", "payment_terms": "Te betalen uiterlijk op {date}",
        "credit_hours": "Tijdskrediet {hours} u, geldig van {start} tot {end}",
        "purchase_order": "bestelbon {reference}", "overage": "(overschrijding)",
        "membership_line": "Abonnement {plan}, van {start} tot {end}",
        "invoice": "Factuur", "credit_note": "Creditnota", "self_billing": "Selfbillingfactuur",
        "number": "Nummer", "issue_date": "Factuurdatum", "due_date": "Vervaldag",
        "period": "Periode", "customer": "Klant", "issuer": "Uitgever", "vat_number": "Btw",
        "enterprise_number": "Ondernemingsnr.", "description": "Omschrijving",
        "quantity": "Aantal", "unit_price": "Eenheidsprijs", "vat_rate": "Btw",
        "amount": "Bedrag excl. btw", "network_wide": "Hele netwerk",
        "vat_breakdown": "Btw-overzicht", "taxable": "Maatstaf van heffing", "vat_amount": "Btw",
        "total_net": "Totaal excl. btw", "total_vat": "Totaal btw", "total_gross": "Te betalen",
        "pay_to": "Gelieve te betalen", "by": "vóór", "to_account": "op rekening",
        "with_communication": "met de gestructureerde mededeling",
        "scan": "Scan met je bankapp", "refers_to": "Crediteert factuur",
        "centre": "Centrum", "commission": "Netwerkcommissie", "payout": "Aan u betaald",
        "value": "Waarde van het gebruik", "settlement_note":
            "Overzicht opgesteld door de netwerkbeheerder namens het centrum (selfbilling).",
        "page": "Pagina", "credit_note_note": "Niets te betalen: dit bedrag wordt afgetrokken.",
        "subject": "Uw factuur", "body": "In bijlage vindt u uw factuur",
        "line_credit": "Kredieturen gebruikt door leden van het netwerk",
        "line_roaming": "Kredieturen gebruikt door leden van verbonden netwerken",
        "line_payg": "Reservaties betaald per gebruik",
        "line_membership": "Abonnementen, verdeeld volgens gebruik",
        "line_correction": "Correctie voor {period}: feiten geregistreerd na de selfbillingfactuur {number}",
    },
    "de": {
        "commission_line": "Netzwerkprovision {rate} % auf den Wert der Nutzung in {centre}, {period} (Gutschrift {number})",
        "self_billing_mention": "Gutschriftsverfahren: vom Kunden im Namen und für Rechnung des Lieferanten erstellte Rechnung (Art. 53 § 2 MwStGB).",
        "vat_mention_O": "Nicht mehrwertsteuerpflichtig: Der Lieferant hat keine MwSt.-Nummer",
        "commission_invoice": "Provisionsrechnung", "set_off": "verrechnet", "supplier": "Lieferant",
        "customer_label": "Kunde", "total_sb": "Summe inkl. MwSt.", "hours": "Std.",
        "total_incl": "Summe inkl. MwSt.", "credited": "Gutschriften", "already_paid": "Bereits bezahlt",
        "nothing_due": "Bezahlt: nichts mehr zu zahlen.", "total_credited": "Gutgeschrieben insgesamt",
        "cn_deducted": "Nichts zu zahlen: Dieser Betrag wird von dem abgezogen, was auf Rechnung {invoice} noch offen ist.",
        "cn_refunded": "Rechnung {invoice} war bereits bezahlt: {refunded} wird Ihnen auf Ihr Konto erstattet.",
        "cn_mixed": "{deducted} wird von dem abgezogen, was auf Rechnung {invoice} noch offen ist; {refunded} wird Ihnen auf Ihr Konto erstattet.",
        "vat_mention_AE": "Steuerschuldnerschaft des Leistungsempfängers: MwSt. vom Vertragspartner geschuldet (Art. 51 § 2 MwStGB)",
        "vat_mention_E": "Von der MwSt. befreit (Art. 44 MwStGB; Art. 132 Richtlinie 2006/112/EG)",
        "vat_mention_Z": "Umsatz zum Nullsatz",
        "legal_register": "RJP", "payment_terms": "Zahlbar spätestens am {date}",
        "credit_hours": "Zeitguthaben {hours} Std., gültig vom {start} bis {end}",
        "purchase_order": "Bestellung {reference}", "overage": "(Überschreitung)",
        "membership_line": "Mitgliedschaft {plan}, vom {start} bis {end}",
        "invoice": "Rechnung", "credit_note": "Gutschrift",
        "self_billing": "Gutschrift (Selfbilling)", "number": "Nummer",
        "issue_date": "Rechnungsdatum", "due_date": "Fälligkeit", "period": "Zeitraum",
        "customer": "Kunde", "issuer": "Aussteller", "vat_number": "MwSt.",
        "enterprise_number": "Unternehmensnr.", "description": "Beschreibung",
        "quantity": "Menge", "unit_price": "Einzelpreis", "vat_rate": "MwSt.",
        "amount": "Betrag exkl. MwSt.", "network_wide": "Ganzes Netzwerk",
        "vat_breakdown": "MwSt.-Aufstellung", "taxable": "Bemessungsgrundlage",
        "vat_amount": "MwSt.", "total_net": "Summe exkl. MwSt.", "total_vat": "Summe MwSt.",
        "total_gross": "Zu zahlen", "pay_to": "Bitte zahlen Sie", "by": "bis zum",
        "to_account": "auf das Konto", "with_communication": "mit der strukturierten Mitteilung",
        "scan": "Scannen Sie mit Ihrer Banking-App", "refers_to": "Schreibt Rechnung gut",
        "centre": "Zentrum", "commission": "Netzwerkprovision", "payout": "An Sie gezahlt",
        "value": "Wert der Nutzung", "settlement_note":
            "Vom Netzwerkbetreiber im Namen des Zentrums erstellte Abrechnung (Selfbilling).",
        "page": "Seite", "credit_note_note": "Nichts zu zahlen: Dieser Betrag wird abgezogen.",
        "subject": "Ihre Rechnung", "body": "Anbei finden Sie Ihre Rechnung",
        "line_credit": "Von den Mitgliedern des Netzwerks genutzte Guthabenstunden",
        "line_roaming": "Von Gästen verbundener Netzwerke genutzte Guthabenstunden",
        "line_payg": "Buchungen mit Zahlung nach Nutzung",
        "line_membership": "Mitgliedschaften, nach Nutzung verteilt",
        "line_correction": "Korrektur für {period}: nach der Gutschrift {number} erfasste Vorgänge",
    },
}


def vat_mention(category: str, language: str) -> str:
    """The legal mention a Belgian invoice carries for a VAT category without VAT: the
    exemption ground (E), the reverse charge (AE), the zero rate (Z); empty for S."""
    return labels_for(language).get(f"vat_mention_{category}", "")


def number_text(value: object, language: str) -> str:
    """A quantity or a rate as the customer writes it: 0,5 in French, Dutch, German."""
    from decimal import Decimal

    text = f"{Decimal(str(value)).normalize():f}"
    return text.replace(".", ",") if language in ("fr", "nl", "de") else text


def settlement_line_name(line: object, labels: dict[str, str]) -> str:
    """A settlement line's words on the statement: a correction names the month it
    corrects and that month's statement; the others, their kind."""
    kind = getattr(line, "kind", "")
    corrects = getattr(line, "corrects", None)
    if kind == "correction" and corrects is not None:
        return labels["line_correction"].format(period=f"{corrects.period_start:%m/%Y}",
                                                number=corrects.display_number)
    return labels.get(f"line_{kind}", getattr(line, "description", ""))


def labels_for(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])
