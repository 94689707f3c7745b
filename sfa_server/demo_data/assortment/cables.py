"""Cables, sold by the metre in 100 m or 50 m coils, with their CEI-UNEL designation and CPR class."""

from __future__ import annotations

from decimal import Decimal

from sfa_server.demo_data.assortment.model import Family, Option, line, maker, opt

PRYSMIAN, GENERAL_CAVI, CAVEL = maker("Prysmian", "1.05"), maker("General Cavi", "0.97"), maker("Cavel")
BUILDING_WIRE = (PRYSMIAN, GENERAL_CAVI)

#: maximum resistance of a class 5 (flexible) copper conductor at 20 °C, ohm/km (CEI EN 60228)
RESISTANCE = {"0,75": "26,0", "1": "19,5", "1,5": "13,3", "2,5": "7,98", "4": "4,95", "6": "3,30",
              "10": "1,91", "16": "1,21", "25": "0,780", "35": "0,554"}
COIL = "Matassa da {pack} m"


def single_cores(*sizes: tuple[str, str, str | None], big_pack_from: Decimal = Decimal(10)) -> tuple[Option, ...]:
    """Sections of a single-core cable: (section, cost per metre, outer diameter or None)."""
    options = []
    for section, cost, diameter in sizes:
        specs = [("Formazione", f"1×{section} mm²"),
                 ("Resistenza max del conduttore a 20 °C", f"{RESISTANCE[section]} ohm/km")]
        if diameter:
            specs.append(("Diametro esterno indicativo", f"{diameter} mm"))
        pack = 50 if Decimal(section.replace(",", ".")) >= big_pack_from else 100
        options.append(opt(f"1×{section} mm²", cost, *specs, pack=pack))
    return tuple(options)


def multi_cores(*sizes: tuple[str, str]) -> tuple[Option, ...]:
    """Formations of a multi-core cable ('3G2,5': 3 cores with the yellow/green one, 2,5 mm²)."""
    options = []
    for formation, cost in sizes:
        sep = "G" if "G" in formation else "×"
        cores, section = formation.split(sep)
        earth = " (con giallo/verde)" if sep == "G" else ""
        pack = 50 if Decimal(section.replace(",", ".")) > Decimal("2.5") else 100
        options.append(opt(formation, cost, ("Formazione", f"{formation} mm²"), ("Conduttori", cores + earth),
                           ("Resistenza max del conduttore a 20 °C", f"{RESISTANCE[section]} ohm/km"),
                           pack=pack))
    return tuple(options)


def colours(*names: str) -> tuple[Option, ...]:
    return tuple(opt(name, "1", ("Colore", name)) for name in names)


WIRE_COLOURS = colours("nero", "blu", "marrone", "grigio", "giallo/verde", "rosso", "bianco")
FS17_SECTIONS = (("1,5", "0.20", "3,0"), ("2,5", "0.32", "3,6"), ("4", "0.50", "4,2"), ("6", "0.74", "4,8"),
                 ("10", "1.25", "6,3"), ("16", "1.95", "7,4"))
FLEXIBLE_COPPER = ("Conduttore", "rame rosso flessibile, classe 5")

CABLES = Family(
    category="Cavi", sku_prefix="CAV", share=12, markup=(25, 40), vat_rate=22, colour=(222, 110, 30),
    breaks=((5, Decimal("0.8")), (10, Decimal("0.6"))), stock_packs=40,
    lines=(
        line("Cavo unipolare FS17 450/750V", BUILDING_WIRE, "1", single_cores(*FS17_SECTIONS), WIRE_COLOURS,
             unit="M", pack=100, pack_words=COIL,
             specs=(("Designazione", "FS17"), ("Tensione nominale Uo/U", "450/750 V"), FLEXIBLE_COPPER,
                    ("Isolante", "PVC di qualità S17"), ("Classe di reazione al fuoco (CPR)", "Cca-s3,d1,a3"),
                    ("Norme", "CEI UNEL 35716, EN 50575"), ("Temperatura massima di esercizio", "70 °C"))),
        line("Cavo unipolare FG17 450/750V", BUILDING_WIRE, "1.15", single_cores(*FS17_SECTIONS), WIRE_COLOURS,
             unit="M", pack=100, pack_words=COIL,
             specs=(("Designazione", "FG17"), ("Tensione nominale Uo/U", "450/750 V"), FLEXIBLE_COPPER,
                    ("Isolante", "elastomerico reticolato G17, senza alogeni"),
                    ("Classe di reazione al fuoco (CPR)", "Cca-s1b,d1,a1"), ("Norme", "EN 50575"),
                    ("Temperatura massima di esercizio", "90 °C"))),
        line("Cavo unipolare FG16R16 0,6/1kV", BUILDING_WIRE, "1",
             single_cores(("4", "0.62", None), ("6", "0.88", None), ("10", "1.42", None), ("16", "2.15", None),
                          ("25", "3.30", None), ("35", "4.55", None)),
             colours("nero", "blu", "marrone", "grigio", "giallo/verde"), unit="M", pack=100, pack_words=COIL,
             specs=(("Designazione", "FG16R16"), ("Tensione nominale Uo/U", "0,6/1 kV"), FLEXIBLE_COPPER,
                    ("Isolante", "gomma HEPR G16"), ("Guaina", "PVC R16"),
                    ("Classe di reazione al fuoco (CPR)", "Cca-s3,d1,a3"), ("Norme", "CEI 20-13, EN 50575"))),
        line("Cavo multipolare FG16OR16 0,6/1kV", BUILDING_WIRE, "1",
             multi_cores(("2×1,5", "0.60"), ("3G1,5", "0.75"), ("3G2,5", "1.10"), ("3G4", "1.65"),
                         ("3G6", "2.35"), ("3G10", "3.90"), ("4G1,5", "0.95"), ("4G2,5", "1.40"),
                         ("5G1,5", "1.15"), ("5G2,5", "1.70"), ("5G4", "2.65"), ("5G6", "3.80"),
                         ("5G10", "6.30")),
             unit="M", pack=100, pack_words=COIL,
             specs=(("Designazione", "FG16OR16"), ("Tensione nominale Uo/U", "0,6/1 kV"), FLEXIBLE_COPPER,
                    ("Isolante", "gomma HEPR G16"), ("Guaina", "PVC R16, grigio"),
                    ("Classe di reazione al fuoco (CPR)", "Cca-s3,d1,a3"), ("Norme", "CEI 20-13, EN 50575"))),
        line("Cavo multipolare FROR 450/750V", BUILDING_WIRE, "1",
             multi_cores(("2×1", "0.38"), ("3G1", "0.48"), ("2×1,5", "0.50"), ("3G1,5", "0.64"),
                         ("4G1,5", "0.82"), ("5G1,5", "1.00"), ("3G2,5", "0.98"), ("4G2,5", "1.28"),
                         ("5G2,5", "1.55")),
             unit="M", pack=100, pack_words=COIL,
             specs=(("Designazione", "FROR"), ("Tensione nominale Uo/U", "450/750 V"), FLEXIBLE_COPPER,
                    ("Isolante", "PVC"), ("Guaina", "PVC, grigio"),
                    ("Classe di reazione al fuoco (CPR)", "Cca-s3,d1,a3"), ("Norme", "CEI UNEL 35755"))),
        line("Cavo multipolare H07RN-F", BUILDING_WIRE, "1",
             multi_cores(("3G1,5", "1.05"), ("3G2,5", "1.55"), ("3G4", "2.35"), ("5G1,5", "1.60"),
                         ("5G2,5", "2.50"), ("5G4", "3.70")),
             unit="M", pack=100, pack_words=COIL,
             specs=(("Designazione", "H07RN-F"), ("Tensione nominale Uo/U", "450/750 V"), FLEXIBLE_COPPER,
                    ("Isolante", "gomma EI4"), ("Guaina", "policloroprene EM2, nero"),
                    ("Uso", "posa mobile e all'esterno, resistente all'acqua"), ("Norme", "CEI EN 50525-2-21"))),
        line("Cavo solare H1Z2Z2-K 1,5/1,5kV", BUILDING_WIRE, "1",
             single_cores(("4", "0.64", "5,8"), ("6", "0.88", "6,4")), colours("nero", "rosso"),
             unit="M", pack=100, pack_words=COIL,
             specs=(("Designazione", "H1Z2Z2-K"), ("Tensione nominale", "1,5/1,5 kV DC"),
                    ("Conduttore", "rame stagnato flessibile, classe 5"), ("Isolante e guaina", "senza alogeni"),
                    ("Uso", "collegamento di moduli fotovoltaici, resistente ai raggi UV"),
                    ("Classe di reazione al fuoco (CPR)", "Eca"), ("Norme", "EN 50618"))),
        line("Cavo coassiale TV-SAT Classe A+", (CAVEL,), "1",
             (opt("Ø5 mm", "0.30", ("Diametro esterno", "5,0 mm")),
              opt("Ø6,8 mm", "0.42", ("Diametro esterno", "6,8 mm"))),
             colours("bianco", "nero"), unit="M", pack=100, pack_words=COIL,
             specs=(("Impedenza", "75 ohm"), ("Conduttore interno", "rame rosso"),
                    ("Schermatura", "nastro Al/Pet + treccia in rame stagnato"), ("Classe di schermatura", "A+"),
                    ("Classe di reazione al fuoco (CPR)", "Eca"))),
        line("Cavo dati LSZH 4 coppie", (CAVEL,), "1",
             (opt("U/UTP Cat.6", "0.36", ("Categoria", "Cat.6, 250 MHz"), ("Schermatura", "non schermato")),
              opt("F/UTP Cat.6", "0.46", ("Categoria", "Cat.6, 250 MHz"), ("Schermatura", "foglio di alluminio")),
              opt("S/FTP Cat.6A", "0.85", ("Categoria", "Cat.6A, 500 MHz"), ("Schermatura", "treccia + coppie"))),
             colours("grigio", "blu"), unit="M", pack=100, pack_words=COIL,
             specs=(("Conduttori", "4 coppie, rame AWG 23"), ("Guaina", "LSZH, senza alogeni"),
                    ("Classe di reazione al fuoco (CPR)", "Dca-s2,d2,a1"), ("Norme", "EN 50288, EN 50575"))),
        line("Cavo per impianti d'allarme schermato", (CAVEL,), "1",
             (opt("4×0,22 mm²", "0.22", ("Formazione", "4×0,22 mm²")),
              opt("2×0,50+4×0,22 mm²", "0.33", ("Formazione", "2×0,50 + 4×0,22 mm²")),
              opt("2×0,75+4×0,22 mm²", "0.40", ("Formazione", "2×0,75 + 4×0,22 mm²"))),
             unit="M", pack=100, pack_words=COIL,
             specs=(("Schermatura", "nastro Al/Pet con filo di continuità"), ("Guaina", "PVC, bianco"),
                    ("Classe di reazione al fuoco (CPR)", "Eca"))),
    ),
)
