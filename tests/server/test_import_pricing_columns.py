"""The ERP import takes the pricing columns: price groups, group lists, VAT natures and exemptions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from sfa_server.db import init_database, session_factory
from sfa_server.erp_import import import_path
from sfa_server.models import Customer, PriceList, Product


def test_groups_natures_and_exemptions_come_in_with_their_italian_names(tmp_path: Path) -> None:
    engine = init_database(f"sqlite:///{tmp_path / 'server.db'}")
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "articoli.csv").write_text(
        "codice;descrizione;iva;natura\n"
        "CAV-3G25;Cavo FG16OR16 3G2,5;22;\n"
        "CORSO-CEI;Corso CEI 11-27;0;n4\n"
        "ROTTAME;Rottame di rame;22;N6.1\n"  # a nature goes with 0 %: refused
        "PROVA;Articolo di prova;0;N9\n")  # not a FatturaPA nature: refused
    (folder / "listini.csv").write_text(
        "codice;versione;descrizione;gruppo_clienti;base\n"
        "BASE;1;Listino base;;S\n"
        "ELET;1;Listino elettricisti;ELETTRICISTI;N\n")
    (folder / "clienti.csv").write_text(
        "codice;ragione_sociale;partita_iva;gruppo_prezzi;esenzione_iva;dichiarazione_intento\n"
        "C00001;Esportatori Riuniti S.r.l.;00743110157;ELETTRICISTI;N3.5;"
        "n. 26011512345678901-000001 del 15/01/2026\n"
        "C00002;Impianti Bianchi S.n.c.;00743110157;;N3.9;\n")  # not a nature: refused
    report = import_path(engine, folder, skip_bad_rows=True)
    text = report.render()
    assert "N6.1 goes with a 0% rate, not 22%" in text, text
    assert "N9 is not a VAT exemption nature" in text and "N3.9 is not a VAT exemption nature" in text, text
    with session_factory(engine)() as s:
        assert dict(s.execute(select(Product.sku, Product.vat_nature)).all()) == {"CAV-3G25": None, "CORSO-CEI": "N4"}
        assert dict(s.execute(select(PriceList.code, PriceList.customer_group)).all()) == {
            "BASE": None, "ELET": "ELETTRICISTI"}
        [customer] = s.scalars(select(Customer)).all()
        assert (customer.price_group, customer.vat_exemption, customer.vat_exemption_ref) == (
            "ELETTRICISTI", "N3.5", "n. 26011512345678901-000001 del 15/01/2026")
    engine.dispose()
