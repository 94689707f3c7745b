"""The columns each import kind accepts, with their Italian aliases and how each cell is read."""

from __future__ import annotations

from dataclasses import dataclass

TEXT, DECIMAL, DATE, DATETIME, BOOL, INT, VAT, TAX_CODE, BARCODE, VAT_RATE, DISCOUNT = (
    "text", "decimal", "date", "datetime", "bool", "int", "vat", "tax_code", "barcode", "vat_rate",
    "discount")
NUMERIC = frozenset({DECIMAL, VAT_RATE})


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    max_length: int = 200
    help: str = ""


def _c(name: str, type_: str = TEXT, *aliases: str, required: bool = False, max_length: int = 200,
       help: str = "") -> Column:
    return Column(name, type_, required, aliases, max_length, help)


# Import order: parents before the rows that refer to them (a folder import follows it).
KIND_ORDER = ("warehouses", "products", "product_documents", "price_lists", "price_list_items", "customers",
              "addresses", "contacts", "open_items", "stock", "sales_history", "targets")

#: Which protocol stream each kind fills.
KIND_STREAM = {"warehouses": "warehouses", "products": "products", "product_documents": "product_documents",
               "price_lists": "price_lists",
               "price_list_items": "price_list_items", "customers": "customers",
               "addresses": "addresses", "contacts": "contacts", "open_items": "open_items",
               "stock": "stock_levels", "sales_history": "sales_history", "targets": "targets"}

COLUMNS: dict[str, tuple[Column, ...]] = {
    "warehouses": (
        _c("code", TEXT, "codice", "codice_magazzino", "cod_magazzino", "magazzino", required=True,
           max_length=40),
        _c("name", TEXT, "nome", "descrizione", "denominazione", required=True),
    ),
    "products": (
        _c("sku", TEXT, "codice", "codice_articolo", "cod_articolo", "articolo", required=True,
           max_length=60),
        _c("name", TEXT, "nome", "descrizione", "descrizione_articolo", required=True),
        _c("description", TEXT, "descrizione_estesa", "descrizione_lunga", "note", max_length=4000),
        _c("unit", TEXT, "um", "u_m", "unita_misura", "unita_di_misura", max_length=10,
           help="unit of measure, default PZ"),
        _c("vat_rate", VAT_RATE, "iva", "aliquota_iva", "aliquota", "perc_iva", required=True),
        _c("category", TEXT, "categoria", "famiglia", "gruppo_merceologico"),
        _c("brand", TEXT, "marca", "marchio", "produttore"),
        _c("barcode", BARCODE, "ean", "codice_a_barre", "barcode_ean", max_length=14),
        _c("pack_size", DECIMAL, "confezione", "pezzi_confezione", "conf", "multiplo"),
        _c("min_quantity", DECIMAL, "qta_minima", "quantita_minima", "lotto_minimo", "minimo_ordinabile"),
        _c("cost", DECIMAL, "costo", "costo_ultimo", "costo_medio", "costo_standard"),
        _c("active", BOOL, "attivo", help="S/N, default S"),
        _c("vat_nature", TEXT, "natura", "natura_iva", "codice_natura", max_length=10,
           help="FatturaPA exemption nature of a 0% product: N1, N2.1 … N7"),
    ),
    "product_documents": (
        _c("sku", TEXT, "codice_articolo", "cod_articolo", "articolo", "codice", required=True, max_length=60),
        _c("kind", TEXT, "tipo", "tipo_documento", required=True, max_length=40,
           help="tech_sheet/scheda_tecnica, brochure, image/immagine, manual/manuale, certificate/certificato"),
        _c("title", TEXT, "titolo", "descrizione", "nome", help="default: the file's name"),
        _c("file", TEXT, "nome_file", "percorso", "allegato", "documento", required=True, max_length=255,
           help="path relative to the CSV's folder; PDF, PNG or JPEG, at most 10 MiB"),
    ),
    "price_lists": (
        _c("code", TEXT, "codice", "codice_listino", "listino", required=True, max_length=40),
        _c("version", INT, "versione", help="default 1"),
        _c("name", TEXT, "nome", "descrizione", required=True),
        _c("currency", TEXT, "valuta", "divisa", max_length=3, help="default EUR"),
        _c("valid_from", DATE, "valido_dal", "data_inizio", "dal", "inizio_validita"),
        _c("valid_to", DATE, "valido_al", "data_fine", "al", "fine_validita"),
        _c("is_base", BOOL, "base", "listino_base", help="S/N, default N"),
        _c("customer_group", TEXT, "gruppo_clienti", "gruppo_prezzi", max_length=80,
           help="the customers' price group the list is for"),
    ),
    "price_list_items": (
        _c("price_list_code", TEXT, "listino", "codice_listino", required=True, max_length=40),
        _c("price_list_version", INT, "versione", "versione_listino",
           help="default: the latest version of the list"),
        _c("sku", TEXT, "codice_articolo", "cod_articolo", "articolo", "codice", required=True,
           max_length=60),
        _c("min_quantity", DECIMAL, "qta_da", "da_quantita", "quantita_minima", "qta_minima",
           "scaglione", help="quantity from which the price applies, default 1"),
        _c("price", DECIMAL, "prezzo", "prezzo_unitario", "prezzo_netto", required=True),
    ),
    "customers": (
        _c("erp_code", TEXT, "codice", "codice_cliente", "cod_cliente", "cliente", required=True,
           max_length=40),
        _c("name", TEXT, "ragione_sociale", "nome", "denominazione", required=True),
        _c("vat_number", VAT, "partita_iva", "p_iva", "piva", "partita_iva_cee", max_length=20),
        _c("tax_code", TAX_CODE, "codice_fiscale", "cod_fiscale", "cf", max_length=16),
        _c("segment", TEXT, "segmento", "tipologia", "categoria", "categoria_cliente", max_length=60),
        _c("status", TEXT, "stato", help="active/attivo, blocked/bloccato, prospect/potenziale; "
           "default active"),
        _c("payment_terms", TEXT, "pagamento", "condizioni_pagamento", "cond_pagamento",
           "modalita_pagamento"),
        _c("price_list_code", TEXT, "listino", "codice_listino", max_length=40),
        _c("default_discount", DISCOUNT, "sconto", "sconti", "sconto_cliente", max_length=80),
        _c("credit_limit", DECIMAL, "fido", "affidamento", help="default 0"),
        _c("balance", DECIMAL, "saldo", "esposizione", help="default 0"),
        _c("overdue_amount", DECIMAL, "scaduto", "importo_scaduto", help="default 0"),
        _c("language", TEXT, "lingua", max_length=5, help="it or en, default it"),
        _c("agent_code", TEXT, "agente", "codice_agente", "cod_agente", max_length=40),
        _c("phone", TEXT, "telefono", "tel", max_length=40),
        _c("email", TEXT, "e_mail", "mail", "posta_elettronica"),
        _c("city", TEXT, "citta", "comune", "localita", max_length=100),
        _c("price_group", TEXT, "gruppo_prezzi", "gruppo_listino", max_length=80,
           help="price group: the customer gets the group's list after its own"),
        _c("vat_exemption", TEXT, "esenzione_iva", "natura_esenzione", "codice_esenzione", max_length=10,
           help="FatturaPA nature on every taxable line, e.g. N3.5 (dichiarazione d'intento)"),
        _c("vat_exemption_ref", TEXT, "riferimento_esenzione", "dichiarazione_intento", max_length=200,
           help="printed with the exemption, e.g. the protocol number of the dichiarazione d'intento"),
    ),
    "addresses": (
        _c("customer_code", TEXT, "codice_cliente", "cod_cliente", "cliente", required=True, max_length=40),
        _c("address_code", TEXT, "codice_destinazione", "destinazione", "codice", max_length=40,
           help="default: one address per customer and kind"),
        _c("kind", TEXT, "tipo", "tipo_indirizzo", help="billing/fatturazione/sede or "
           "shipping/consegna/destinazione; default shipping"),
        _c("street", TEXT, "indirizzo", "via", required=True),
        _c("city", TEXT, "citta", "comune", "localita", required=True, max_length=100),
        _c("postal_code", TEXT, "cap", "codice_postale", max_length=10),
        _c("province", TEXT, "provincia", "prov", "sigla_provincia", max_length=4),
        _c("country", TEXT, "nazione", "paese", "stato", max_length=2, help="ISO code, default IT"),
    ),
    "contacts": (
        _c("customer_code", TEXT, "codice_cliente", "cod_cliente", "cliente", required=True, max_length=40),
        _c("contact_code", TEXT, "codice_contatto", "codice", max_length=40,
           help="default: the contact's name"),
        _c("name", TEXT, "nome", "nominativo", "referente", required=True),
        _c("role", TEXT, "ruolo", "qualifica", "mansione"),
        _c("phone", TEXT, "telefono", "tel", "cellulare", max_length=40),
        _c("email", TEXT, "e_mail", "mail"),
    ),
    "open_items": (
        _c("customer_code", TEXT, "codice_cliente", "cod_cliente", "cliente", required=True, max_length=40),
        _c("document_number", TEXT, "numero_documento", "num_documento", "num_doc", "documento",
           "numero_fattura", required=True, max_length=40),
        _c("document_date", DATE, "data_documento", "data_doc", "data_fattura", required=True),
        _c("due_date", DATE, "scadenza", "data_scadenza", required=True),
        _c("amount", DECIMAL, "importo", "importo_rata", "importo_scadenza", required=True),
        _c("paid", DECIMAL, "pagato", "importo_pagato", "incassato", help="default 0"),
    ),
    "stock": (
        _c("sku", TEXT, "codice_articolo", "cod_articolo", "articolo", "codice", required=True,
           max_length=60),
        _c("warehouse_code", TEXT, "magazzino", "codice_magazzino", "cod_magazzino", required=True,
           max_length=40),
        _c("on_hand", DECIMAL, "giacenza", "esistenza", "quantita", "qta", required=True),
        _c("reserved", DECIMAL, "impegnato", "impegnata", "riservato", help="default 0"),
        _c("available", DECIMAL, "disponibile", "disponibilita", help="default on_hand - reserved"),
        _c("incoming", DECIMAL, "in_arrivo", "ordinato", "ordinato_fornitore"),
        _c("incoming_date", DATE, "data_arrivo", "data_consegna_prevista", "arrivo_previsto"),
        _c("as_of", DATETIME, "data", "aggiornato_al", "data_rilevazione", help="default: import time"),
    ),
    "sales_history": (
        _c("customer_code", TEXT, "codice_cliente", "cod_cliente", "cliente", required=True, max_length=40),
        _c("document_number", TEXT, "numero_documento", "num_documento", "num_doc", "documento",
           "numero_fattura", required=True, max_length=40),
        _c("document_date", DATE, "data_documento", "data_doc", "data_fattura", "data", required=True),
        _c("line_no", INT, "riga", "numero_riga", "nr_riga", "progressivo",
           help="default: one line per product in a document"),
        _c("sku", TEXT, "codice_articolo", "cod_articolo", "articolo", "codice", required=True, max_length=60),
        _c("quantity", DECIMAL, "quantita", "qta", "qt", required=True,
           help="negative on a return (with a negative amount)"),
        _c("unit", TEXT, "um", "u_m", "unita_misura", max_length=10, help="default: the product's unit"),
        _c("net_amount", DECIMAL, "importo", "imponibile", "importo_netto", "valore", "valore_netto",
           "totale_riga", required=True, help="net of every discount, VAT excluded"),
        _c("category", TEXT, "categoria", "famiglia", "gruppo_merceologico",
           help="default: the product's category when the line was sold"),
    ),
    "targets": (
        _c("agent_code", TEXT, "agente", "codice_agente", "cod_agente", required=True, max_length=40),
        _c("year", INT, "anno", "esercizio", required=True),
        _c("month", INT, "mese", required=True, help="1-12"),
        _c("category", TEXT, "categoria", "famiglia", "gruppo_merceologico",
           help="empty: the month's total target"),
        _c("amount", DECIMAL, "importo", "obiettivo", "budget", "target", "valore", required=True),
    ),
}

KINDS = tuple(KIND_ORDER)


def map_header(kind: str, header: tuple[str, ...]) -> tuple[dict[str, str], list[str], list[str]]:
    """(canonical column -> header column found, missing required columns, ignored header columns).

    The canonical name wins over an alias, and an earlier alias over a later one; a header column is
    used for at most one field.
    """
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for candidate in (column.name, *column.aliases):
            if candidate in header and candidate not in used:
                mapping[column.name] = candidate
                used.add(candidate)
                break
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in mapping]
    ignored = [h for h in header if h and h not in used]
    return mapping, missing, ignored


def kind_from_filename(name: str) -> str | None:
    """'customers.csv', 'Customers_2025-01-31.csv', 'clienti.csv' -> 'customers'."""
    stem = name.lower().rsplit(".", 1)[0]
    italian = {"magazzini": "warehouses", "articoli": "products", "prodotti": "products",
               "listini": "price_lists", "righe_listino": "price_list_items", "prezzi": "price_list_items",
               "clienti": "customers", "indirizzi": "addresses", "destinazioni": "addresses",
               "contatti": "contacts", "partite_aperte": "open_items", "scadenzario": "open_items",
               "giacenze": "stock", "documenti": "product_documents", "schede": "product_documents",
               "storico_vendite": "sales_history", "fatturato": "sales_history", "vendite": "sales_history",
               "obiettivi": "targets", "budget": "targets"}
    for kind in sorted(KINDS, key=len, reverse=True):
        if stem == kind or stem.startswith(kind + "_") or stem.startswith(kind + "-"):
            return kind
    for word, kind in sorted(italian.items(), key=lambda kv: len(kv[0]), reverse=True):
        if stem == word or stem.startswith(word + "_") or stem.startswith(word + "-"):
            return kind
    return None
