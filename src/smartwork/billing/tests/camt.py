"""Build CAMT.053 statements for tests."""

from __future__ import annotations

import itertools
from decimal import Decimal

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
_refs = itertools.count(1)


def entry(amount: Decimal | str, *, name: str = "", structured: str = "", text: str = "",
          ref: str = "", credit: bool = True, date: str = "2026-11-20",
          currency: str = "EUR") -> str:
    """One booked entry; without `ref` it gets a reference of its own (a new bank entry)."""
    ref = ref or f"AUTO-{next(_refs)}"
    rmt = ""
    if structured:
        rmt += (f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
                f"<Issr>BBA</Issr></Tp><Ref>{structured}</Ref></CdtrRefInf></Strd>")
    if text:
        rmt = f"<Ustrd>{text}</Ustrd>" + rmt
    return f"""
      <Ntry>
        <Amt Ccy="{currency}">{amount}</Amt>
        <CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{date}</Dt></BookgDt>
        <ValDt><Dt>{date}</Dt></ValDt>
        <AcctSvcrRef>{ref}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>{ref}</AcctSvcrRef></Refs>
          <AmtDtls><TxAmt><Amt Ccy="{currency}">{amount}</Amt></TxAmt></AmtDtls>
          <RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr>
            <DbtrAcct><Id><IBAN>BE68539007547034</IBAN></Id></DbtrAcct></RltdPties>
          <RmtInf>{rmt}</RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


def stmt(iban: str, entries: list[str], *, statement_id: str = "STMT-2026-11-20") -> str:
    """One <Stmt> element, for files of several statements."""
    return f"""
    <Stmt>
      <Id>{statement_id}</Id>
      <CreDtTm>2026-11-20T18:00:00</CreDtTm>
      <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">2000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>
      {''.join(entries)}
    </Stmt>"""


def document(stmts: list[str], *, message_id: str = "MSG-1", ns: str = NS) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{ns}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2026-11-20T18:00:00</CreDtTm></GrpHdr>
    {''.join(stmts)}
  </BkToCstmrStmt>
</Document>""".encode()


def statement(iban: str, entries: list[str], *, statement_id: str = "STMT-2026-11-20",
              ns: str = NS) -> bytes:
    return document([stmt(iban, entries, statement_id=statement_id)],
                    message_id=f"MSG-{statement_id}", ns=ns)
