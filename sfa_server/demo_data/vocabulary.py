"""Italian words the demo wholesaler is made of: places, people, trades, payment terms, the company."""

from __future__ import annotations

from dataclasses import dataclass

#: (city, province, postal code, Belfiore cadastral code, tax office code used in VAT numbers)
CITIES = (
    ("Milano", "MI", "20121", "F205", 15), ("Monza", "MB", "20900", "F704", 15),
    ("Bergamo", "BG", "24121", "A794", 16), ("Brescia", "BS", "25121", "B157", 17),
    ("Como", "CO", "22100", "C933", 13), ("Varese", "VA", "21100", "L682", 12),
    ("Lodi", "LO", "26900", "E648", 98), ("Pavia", "PV", "27100", "G388", 18),
    ("Bologna", "BO", "40121", "A944", 37), ("Modena", "MO", "41121", "F257", 36),
    ("Reggio Emilia", "RE", "42121", "H223", 35), ("Parma", "PR", "43121", "G337", 34),
    ("Ferrara", "FE", "44121", "D548", 38), ("Ravenna", "RA", "48121", "H199", 39),
    ("Rimini", "RN", "47921", "H294", 99), ("Forlì", "FC", "47121", "D704", 40),
    ("Napoli", "NA", "80121", "F839", 63), ("Caserta", "CE", "81100", "B963", 61),
    ("Salerno", "SA", "84121", "H703", 65), ("Avellino", "AV", "83100", "A509", 64),
    ("Torre del Greco", "NA", "80059", "L259", 63), ("Pozzuoli", "NA", "80078", "G964", 63),
    ("Verona", "VR", "37121", "L781", 23), ("Padova", "PD", "35121", "G224", 28),
    ("Firenze", "FI", "50121", "D612", 48), ("Prato", "PO", "59100", "G999", 100),
    ("Roma", "RM", "00118", "H501", 58), ("Latina", "LT", "04100", "E472", 59),
)
STREETS = ("Via Roma", "Via Garibaldi", "Via Mazzini", "Corso Italia", "Via Dante Alighieri",
           "Viale Europa", "Via dell'Industria", "Via dell'Artigianato", "Via Emilia", "Via Vittorio Veneto",
           "Via Cavour", "Via Matteotti", "Via Marconi", "Via Galileo Galilei", "Via dei Mille",
           "Piazza della Repubblica", "Via Enrico Fermi", "Via Leonardo da Vinci", "Via Volta",
           "Strada Provinciale 11", "Via del Lavoro", "Via Nazionale", "Via San Martino", "Via Toscana")
FIRST_NAMES = ("Marco", "Giulia", "Luca", "Francesca", "Andrea", "Chiara", "Giuseppe", "Sara", "Alessandro",
               "Valentina", "Roberto", "Elena", "Davide", "Martina", "Stefano", "Paola", "Matteo", "Silvia",
               "Antonio", "Laura", "Federico", "Anna", "Paolo", "Giorgia", "Salvatore", "Maria", "Simone",
               "Alessia", "Vincenzo", "Elisa")
LAST_NAMES = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
              "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
              "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
              "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale")
#: customer segments: weight, words their company names are made of, payment terms they get (weights)
SEGMENTS = {
    "Installatore elettrico": (36, ("Impianti", "Elettrotecnica", "Elettroservice", "Tecnoimpianti",
                                    "Sistemi Elettrici", "Installazioni", "Domotica", "Automazioni"),
                               {"Ri.Ba. 30/60 gg d.f.f.m.": 5, "Ri.Ba. 60 gg d.f.f.m.": 2, "Rimessa diretta": 1,
                                "Bonifico 30 gg d.f.": 1}),
    "Installatore fotovoltaico": (8, ("Energia", "Solare", "Green Power", "Fotovoltaica"),
                                  {"Ri.Ba. 30/60 gg d.f.f.m.": 2, "Bonifico 30 gg d.f.": 2,
                                   "Bonifico anticipato": 1}),
    "Installatore termoidraulico": (10, ("Termoidraulica", "Termotecnica", "Idrotermica"),
                                    {"Ri.Ba. 30/60 gg d.f.f.m.": 3, "Ri.Ba. 60 gg d.f.f.m.": 1,
                                     "Rimessa diretta": 1}),
    "Impresa edile": (12, ("Edilizia", "Costruzioni", "Casa & Cantiere"),
                      {"Ri.Ba. 30/60/90 gg d.f.f.m.": 3, "Ri.Ba. 60 gg d.f.f.m.": 2, "Bonifico anticipato": 1}),
    "Rivenditore": (12, ("Elettroforniture", "Ferramenta", "Illuminazione", "Materiale Elettrico"),
                    {"Ri.Ba. 60 gg d.f.f.m.": 2, "Ri.Ba. 90 gg d.f.f.m.": 2, "Ri.Ba. 30/60/90 gg d.f.f.m.": 1}),
    "Industria": (8, ("Officine Meccaniche", "Industrie", "Carpenteria", "Stampaggio Plastica"),
                  {"Bonifico 60 gg d.f.f.m.": 3, "Ri.Ba. 90 gg d.f.f.m.": 1}),
    "Manutentore": (10, ("Manutenzioni", "Global Service", "Facility Service"),
                    {"Ri.Ba. 30/60 gg d.f.f.m.": 2, "Bonifico 30 gg d.f.": 1, "Rimessa diretta": 1}),
    "Ente pubblico": (4, (), {"Bonifico 30 gg d.f.": 1}),
}
LEGAL_FORMS = ("S.r.l.", "S.r.l.", "S.r.l.s.", "S.p.A.", "S.n.c.", "S.a.s.", "di {first} {last}")
CONTACT_ROLES = ("Titolare", "Ufficio acquisti", "Amministrazione", "Capo cantiere", "Responsabile tecnico",
                 "Magazziniere")


@dataclass(frozen=True, slots=True)
class PaymentTerm:
    """A payment term as the ERP prints it on the customer, and what it means, in Italian and English."""

    text: str
    it: str
    en: str
    #: days from the invoice date of each instalment (0: at sight); empty: paid before shipment
    days: tuple[int, ...]
    #: 'f.m.' (fine mese): each instalment falls due at the end of the month its days reach
    end_of_month: bool


PAYMENT_TERMS = (
    PaymentTerm("Ri.Ba. 30/60 gg d.f.f.m.", "Ricevuta bancaria in due rate a 30 e 60 giorni data fattura fine mese",
                "Bank receipt (Ri.Ba.) in two instalments, 30 and 60 days end of month from the invoice date",
                (30, 60), True),
    PaymentTerm("Ri.Ba. 60 gg d.f.f.m.", "Ricevuta bancaria a 60 giorni data fattura fine mese",
                "Bank receipt (Ri.Ba.) 60 days end of month from the invoice date", (60,), True),
    PaymentTerm("Ri.Ba. 30/60/90 gg d.f.f.m.",
                "Ricevuta bancaria in tre rate a 30, 60 e 90 giorni data fattura fine mese",
                "Bank receipt (Ri.Ba.) in three instalments, 30, 60 and 90 days end of month from the invoice date",
                (30, 60, 90), True),
    PaymentTerm("Ri.Ba. 90 gg d.f.f.m.", "Ricevuta bancaria a 90 giorni data fattura fine mese",
                "Bank receipt (Ri.Ba.) 90 days end of month from the invoice date", (90,), True),
    PaymentTerm("Bonifico 30 gg d.f.", "Bonifico bancario a 30 giorni data fattura",
                "Bank transfer 30 days from the invoice date", (30,), False),
    PaymentTerm("Bonifico 60 gg d.f.f.m.", "Bonifico bancario a 60 giorni data fattura fine mese",
                "Bank transfer 60 days end of month from the invoice date", (60,), True),
    PaymentTerm("Rimessa diretta", "Rimessa diretta: pagamento a vista fattura, in contanti, assegno o bonifico",
                "Direct payment on receipt of the invoice (cash, cheque or bank transfer)", (0,), False),
    PaymentTerm("Bonifico anticipato", "Bonifico bancario anticipato, prima della spedizione della merce",
                "Bank transfer in advance, before the goods are shipped", (), False),
)
LOST_REASONS = ("Prezzo più basso da un concorrente", "Il cliente ha rinviato i lavori",
                "Tempi di consegna troppo lunghi", "Cantiere assegnato a un'altra impresa")
ACTIVITY_SUBJECTS = ("Visita in cantiere", "Presentazione nuovo catalogo", "Telefonata per offerta",
                     "Sollecito pagamento", "Consegna campionatura")

COMPANY = {
    "name": "Forniture Elettriche Padane S.p.A.",
    "street": "Via dell'Industria 24",
    "postal_code": "20097",
    "city": "San Donato Milanese",
    "province": "MI",
    "country": "IT",
    "vat_number": "IT09876540155",
    "tax_code": "09876540155",
    "phone": "+39 02 5550 1200",
    "email": "ordini@fepadane.example.it",
    "pec": "fepadane@pec.example.it",
    "iban": "IT60X0542811101000000123456",
    "rea": "MI-2045871",
    "share_capital": "1.200.000,00 € i.v.",
    "website": "https://www.fepadane.example.it",
}
WAREHOUSES = (("MI", "Magazzino Milano"), ("BO", "Magazzino Bologna"), ("NA", "Magazzino Napoli"))
