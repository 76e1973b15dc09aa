"""The words on documents sent to customers, in their language (fr, nl, de, en).

A per-language table rather than gettext: a document must come out in the
customer's language whatever the request's language, and these words are few.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "invoice": "Invoice", "credit_note": "Credit note", "self_billing": "Self-billing statement",
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
    },
    "fr": {
        "invoice": "Facture", "credit_note": "Note de crédit",
        "self_billing": "Relevé d'autofacturation", "number": "Numéro",
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
    },
    "nl": {
        "invoice": "Factuur", "credit_note": "Creditnota", "self_billing": "Selfbillingoverzicht",
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
    },
    "de": {
        "invoice": "Rechnung", "credit_note": "Gutschrift",
        "self_billing": "Gutschriftsabrechnung (Selfbilling)", "number": "Nummer",
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
    },
}


def labels_for(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])
