"""LED lamps and luminaires: power with luminous flux, colour temperature, IP rating where it matters."""

from __future__ import annotations

from decimal import Decimal

from sfa_server.demo_data.assortment.model import Family, Option, line, maker, opt

PHILIPS, OSRAM, BEGHELLI, DISANO = (maker("Philips", "1.05"), maker("Osram"), maker("Beghelli", "0.92"),
                                    maker("Disano", "1.08"))
LAMP_MAKERS = (PHILIPS, OSRAM, BEGHELLI)
LUMINAIRE_MAKERS = (PHILIPS, OSRAM, BEGHELLI, DISANO)

#: EU energy label classes (regulation 2019/2015) by luminous efficacy, lm/W
_CLASSES = ((210, "A"), (185, "B"), (160, "C"), (135, "D"), (110, "E"), (85, "F"))


def energy_class(watts: Decimal, lumen: int) -> str:
    efficacy = lumen / watts
    return next((c for bound, c in _CLASSES if efficacy >= bound), "G")


def power(*pairs: tuple[str, int, str], equivalent: dict[int, int] | None = None,
          prefix: str = "") -> tuple[Option, ...]:
    """'8,5W 806lm' options: (watts, lumen, cost factor); the class follows from the efficacy."""
    options = []
    for watts, lumen, factor in pairs:
        w = Decimal(watts.replace(",", "."))
        specs = [("Potenza", f"{watts} W"), ("Flusso luminoso", f"{lumen} lm"),
                 ("Efficienza luminosa", f"{int(lumen / w)} lm/W"), ("Classe energetica", energy_class(w, lumen))]
        if equivalent and lumen in equivalent:
            specs.append(("Equivalente a incandescenza", f"{equivalent[lumen]} W"))
        options.append(opt(f"{prefix}{watts}W {lumen}lm", factor, *specs))
    return tuple(options)


def kelvin(*values: int) -> tuple[Option, ...]:
    words = {2700: "bianco caldo", 3000: "bianco caldo", 4000: "bianco neutro", 6000: "bianco freddo",
             6500: "luce diurna"}
    return tuple(opt(f"{k}K", "1", ("Temperatura di colore", f"{k} K ({words[k]})")) for k in values)


def ip(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(opt(code, f, ("Grado di protezione", code)) for code, f in pairs)


BULB_FINISH = (opt("smerigliata", "1", ("Finitura", "vetro smerigliato")),
               opt("filamento chiara", "1.2", ("Finitura", "filamento LED, vetro chiaro")))
DIMMABLE = (opt("", "1", ("Dimmerabile", "no")), opt("dimmerabile", "1.4", ("Dimmerabile", "sì")))
LAMP_SPECS = (("Tensione", "220-240 V"), ("Durata", "15.000 h"), ("Accensioni", "50.000"))
WARM_TO_DAYLIGHT = kelvin(2700, 4000, 6500)
EQUIVALENT = {470: 40, 806: 60, 1055: 75, 1521: 100, 350: 50, 575: 65}


def _lamp(name: str, cost: str, cap: str, *dims: tuple[Option, ...]):
    return line(name, LAMP_MAKERS, cost, *dims, specs=(("Attacco", cap), *LAMP_SPECS))


LIGHTING = Family(
    category="Illuminazione", sku_prefix="ILL", share=16, markup=(35, 55), vat_rate=22, colour=(240, 180, 20),
    breaks=((10, Decimal("0.85")), (50, Decimal("0.7"))), stock_packs=120,
    lines=(
        _lamp("Lampadina LED E27 goccia A60", "1.85", "E27",
              power(("8,5", 806, "1"), ("10,5", 1055, "1.15"), ("13", 1521, "1.3"), equivalent=EQUIVALENT),
              WARM_TO_DAYLIGHT, BULB_FINISH, DIMMABLE),
        _lamp("Lampadina LED E27 sfera P45", "1.80", "E27",
              power(("4,9", 470, "1"), ("7", 806, "1.25"), equivalent=EQUIVALENT), WARM_TO_DAYLIGHT, BULB_FINISH),
        _lamp("Lampadina LED E14 sfera P45", "1.80", "E14",
              power(("4,9", 470, "1"), ("7", 806, "1.25"), equivalent=EQUIVALENT), WARM_TO_DAYLIGHT, BULB_FINISH),
        _lamp("Lampadina LED E14 candela B35", "1.90", "E14",
              power(("4,9", 470, "1"), ("7", 806, "1.25"), equivalent=EQUIVALENT), WARM_TO_DAYLIGHT, BULB_FINISH),
        _lamp("Lampadina LED GU10 36°", "1.70", "GU10",
              power(("4,7", 350, "1"), ("6,9", 575, "1.2"), equivalent=EQUIVALENT), WARM_TO_DAYLIGHT, DIMMABLE),
        line("Lampadina LED GU5,3 MR16 12V 36°", LAMP_MAKERS, "2.10",
             power(("4,4", 345, "1"), ("6,5", 621, "1.2")), kelvin(2700, 4000, 6500),
             specs=(("Attacco", "GU5,3"), ("Tensione", "12 V"), ("Durata", "15.000 h"))),
        line("Tubo LED T8 G13", LAMP_MAKERS, "3.60",
             (opt("60 cm 8W 800lm", "1", ("Lunghezza", "600 mm"), ("Potenza", "8 W"), ("Flusso luminoso", "800 lm")),
              opt("120 cm 16W 1800lm", "1.5", ("Lunghezza", "1200 mm"), ("Potenza", "16 W"),
                  ("Flusso luminoso", "1800 lm")),
              opt("150 cm 24W 2500lm", "1.9", ("Lunghezza", "1500 mm"), ("Potenza", "24 W"),
                  ("Flusso luminoso", "2500 lm"))),
             kelvin(3000, 4000, 6500), specs=(("Attacco", "G13"), ("Alimentazione", "diretta da rete"),)),
        line("Pannello LED 60×60 UGR<19", LUMINAIRE_MAKERS, "26.00",
             power(("30", 3600, "1"), ("40", 4800, "1.15")), kelvin(3000, 4000, 6500),
             (opt("", "1", ("Alimentatore", "on/off")), opt("DALI", "1.6", ("Alimentatore", "dimmerabile DALI"))),
             specs=(("Dimensioni", "595×595 mm"), ("Installazione", "controsoffitto a pannelli o a plafone"),
                    ("Grado di protezione", "IP20"), ("Abbagliamento", "UGR<19 (uffici, VDT)"))),
        line("Plafoniera stagna LED IP65", (PHILIPS, BEGHELLI, DISANO), "17.00",
             (opt("60 cm 18W 2200lm", "1", ("Lunghezza", "660 mm"), ("Potenza", "18 W"),
                  ("Flusso luminoso", "2200 lm")),
              opt("120 cm 36W 4400lm", "1.45", ("Lunghezza", "1270 mm"), ("Potenza", "36 W"),
                  ("Flusso luminoso", "4400 lm")),
              opt("150 cm 50W 6000lm", "1.8", ("Lunghezza", "1570 mm"), ("Potenza", "50 W"),
                  ("Flusso luminoso", "6000 lm"))),
             kelvin(4000, 6500),
             (opt("", "1", ("Emergenza", "no")), opt("con kit emergenza 1h", "1.9", ("Emergenza", "kit 1 h"))),
             specs=(("Grado di protezione", "IP65"), ("Resistenza agli urti", "IK08"),
                    ("Materiale", "corpo e diffusore in policarbonato"))),
        line("Proiettore LED IP65", LUMINAIRE_MAKERS, "8.00",
             power(("10", 1000, "1"), ("20", 2000, "1.4"), ("30", 3000, "1.8"), ("50", 5000, "2.6"),
                   ("100", 10000, "4.8"), ("150", 15000, "6.8")),
             kelvin(3000, 4000, 6500),
             (opt("nero", "1", ("Colore", "nero")), opt("grigio", "1", ("Colore", "grigio"))),
             (opt("", "1"), opt("con sensore di movimento", "1.35", ("Sensore", "PIR, 120°, 8 m"))),
             specs=(("Grado di protezione", "IP65"), ("Materiale", "alluminio pressofuso"))),
        line("Faretto LED da incasso", LUMINAIRE_MAKERS, "7.00",
             (opt("Ø90 mm 7W 600lm", "1", ("Foro di incasso", "Ø 75 mm"), ("Potenza", "7 W"),
                  ("Flusso luminoso", "600 lm")),
              opt("Ø120 mm 12W 1100lm", "1.35", ("Foro di incasso", "Ø 105 mm"), ("Potenza", "12 W"),
                  ("Flusso luminoso", "1100 lm")),
              opt("Ø170 mm 18W 1700lm", "1.8", ("Foro di incasso", "Ø 155 mm"), ("Potenza", "18 W"),
                  ("Flusso luminoso", "1700 lm"))),
             kelvin(3000, 4000),
             (opt("bianco", "1", ("Colore", "bianco")), opt("nero", "1.05", ("Colore", "nero"))),
             ip(("IP20", "1"), ("IP44", "1.2"))),
        line("Striscia LED 5 m", (PHILIPS, OSRAM, BEGHELLI), "9.00",
             (opt("12V 4,8W/m 60 LED/m", "1", ("Tensione", "12 V DC"), ("Potenza", "4,8 W/m"),
                  ("Flusso luminoso", "480 lm/m")),
              opt("24V 9,6W/m 120 LED/m", "1.6", ("Tensione", "24 V DC"), ("Potenza", "9,6 W/m"),
                  ("Flusso luminoso", "960 lm/m")),
              opt("24V 14,4W/m 120 LED/m", "1.9", ("Tensione", "24 V DC"), ("Potenza", "14,4 W/m"),
                  ("Flusso luminoso", "1440 lm/m"))),
             kelvin(3000, 4000, 6000), ip(("IP20", "1"), ("IP65", "1.35")),
             specs=(("Lunghezza", "5 m, divisibile"), ("Alimentatore", "non incluso"))),
        line("Lampada di emergenza LED", (BEGHELLI,), "28.00",
             (opt("200lm", "1", ("Flusso in emergenza", "200 lm")),
              opt("400lm", "1.3", ("Flusso in emergenza", "400 lm")),
              opt("700lm", "1.7", ("Flusso in emergenza", "700 lm"))),
             (opt("autonomia 1h", "1", ("Autonomia", "1 h")), opt("autonomia 2h", "1.15", ("Autonomia", "2 h")),
              opt("autonomia 3h", "1.3", ("Autonomia", "3 h"))),
             (opt("SE", "1", ("Funzionamento", "SE, solo emergenza")),
              opt("SA", "1.1", ("Funzionamento", "SA, sempre accesa"))),
             ip(("IP40", "1"), ("IP65", "1.15")),
             specs=(("Batteria", "Ni-Cd, ricaricabile"), ("Norma", "CEI EN 60598-2-22"))),
    ),
)
