"""Italian words the demo wholesaler is made of: places, people, trades, product families, brands."""

from __future__ import annotations

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
COMPANY_WORDS = ("Elettroforniture", "Impianti", "Elettrotecnica", "Termoidraulica", "Ferramenta",
                 "Edilizia", "Elettroservice", "Tecnoimpianti", "Sistemi Elettrici", "Casa & Cantiere",
                 "Illuminazione", "Automazioni", "Costruzioni", "Energia", "Domotica", "Installazioni")
LEGAL_FORMS = ("S.r.l.", "S.r.l.", "S.r.l.s.", "S.p.A.", "S.n.c.", "S.a.s.", "di {first} {last}")
SEGMENTS = ("Installatore elettrico", "Installatore termoidraulico", "Impresa edile", "Rivenditore",
            "Industria", "Manutentore", "Ente pubblico")
CONTACT_ROLES = ("Titolare", "Ufficio acquisti", "Amministrazione", "Capo cantiere", "Responsabile tecnico",
                 "Magazziniere")
PAYMENT_TERMS = ("RB 30/60 gg DF FM", "RB 60 gg DF FM", "RB 30/60/90 gg DF FM", "Bonifico 30 gg DF",
                 "Bonifico 60 gg DF FM", "Rimessa diretta", "Bonifico anticipato", "RiBa 90 gg DF FM")
LOST_REASONS = ("Prezzo più basso da un concorrente", "Il cliente ha rinviato i lavori",
                "Tempi di consegna troppo lunghi", "Cantiere assegnato a un'altra impresa")
ACTIVITY_SUBJECTS = ("Visita in cantiere", "Presentazione nuovo catalogo", "Telefonata per offerta",
                     "Sollecito pagamento", "Consegna campionatura")

#: (category, unit, VAT rate, pack sizes, cost range in cents, names, variants)
FAMILIES = (
    ("Cavi", "M", 22, (100, 50), (20, 900),
     ("Cavo unipolare FS17", "Cavo multipolare FG16OR16", "Cavo FROR 450/750V", "Cavo coassiale TV",
      "Cavo UTP Cat.6"), ("1,5 mm²", "2,5 mm²", "4 mm²", "6 mm²", "3G1,5", "3G2,5", "5G4", "4x1,5")),
    ("Interruttori e prese", "PZ", 22, (10, 1), (80, 2500),
     ("Interruttore unipolare", "Deviatore", "Invertitore", "Presa bipasso 10/16A", "Presa Schuko",
      "Pulsante a tasto", "Presa RJ45"), ("bianco", "nero", "antracite", "tech", "sabbia", "1 modulo")),
    ("Protezione quadri", "PZ", 22, (1, 6), (600, 18000),
     ("Interruttore magnetotermico", "Differenziale puro", "Magnetotermico differenziale",
      "Scaricatore di sovratensione", "Centralino da incasso"),
     ("1P+N 10A", "1P+N 16A", "2P 25A", "4P 40A", "12 moduli", "24 moduli", "36 moduli")),
    ("Illuminazione", "PZ", 22, (1, 10), (300, 12000),
     ("Lampadina LED E27", "Faretto LED GU10", "Plafoniera LED", "Proiettore LED", "Striscia LED",
      "Pannello LED 60x60"), ("3000K", "4000K", "6500K", "10W", "20W", "50W", "IP65")),
    ("Tubi e canaline", "M", 22, (50, 25), (30, 800),
     ("Tubo corrugato", "Tubo rigido PVC", "Canalina portacavi", "Guaina spiralata"),
     ("Ø16", "Ø20", "Ø25", "Ø32", "40x40", "60x40", "grigio", "nero")),
    ("Ferramenta", "PZ", 22, (100, 50, 10), (2, 400),
     ("Tassello nylon", "Vite autofilettante", "Fascetta in nylon", "Staffa a muro", "Rondella piana"),
     ("6x30", "8x40", "10x50", "M6", "M8", "200 mm", "300 mm", "zincata", "inox")),
    ("Utensili", "PZ", 22, (1,), (400, 25000),
     ("Trapano avvitatore", "Pinza spelafili", "Cacciavite isolato", "Tester digitale",
      "Tronchese", "Livella laser"), ("18V", "12V", "VDE 1000V", "professionale", "kit")),
    ("Domotica e sicurezza", "PZ", 22, (1,), (1500, 45000),
     ("Videocitofono", "Termostato smart", "Sensore di movimento", "Centrale allarme", "Attuatore"),
     ("Wi-Fi", "Zigbee", "2 fili", "KNX", "bianco")),
    ("Fotovoltaico", "PZ", 10, (1,), (5000, 90000),
     ("Modulo fotovoltaico", "Inverter ibrido", "Batteria di accumulo", "Quadro di campo"),
     ("410W", "450W", "3kW", "6kW", "5kWh", "10kWh")),
)
BRANDS = ("BTicino", "Vimar", "Gewiss", "ABB", "Schneider Electric", "Legrand", "Prysmian", "Philips",
          "Osram", "Fischer", "Bosch", "Makita", "Beghelli", "Came", "Urmet", "FIMER", "Hager", "Finder")
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
