"""Wiring devices of the civil series, and the protection and control devices of a consumer unit."""

from __future__ import annotations

from decimal import Decimal

from sfa_server.demo_data.assortment.model import Family, Option, line, maker, opt

CIVIL_MAKERS = (
    maker("BTicino", "1", ("Living Now", "1"), ("Matix Go", "0.78"), ("Axolute", "1.55")),
    maker("Vimar", "1", ("Plana", "0.80"), ("Arké", "1"), ("Eikon", "1.40")),
    maker("Gewiss", "1", ("Chorus", "1"), ("System", "0.75")),
    maker("ABB", "1", ("Mylos", "0.90"), ("Chiara", "0.85")),
    maker("Schneider Electric", "1", ("Unica", "0.85")),
    maker("Legrand", "1", ("Vela", "0.70"), ("Arteor", "1.10")),
)
DEVICE_COLOURS = (opt("bianco", "1", ("Colore", "bianco")), opt("nero", "1.05", ("Colore", "nero")))
CIVIL_SPECS = (("Tensione nominale", "250 V~"), ("Morsetti", "a vite, doppi"), ("Installazione", "su supporto, "
               "in scatola da incasso 503"))


def _device(name: str, cost: str, *specs: tuple[str, str]):
    return line(name, CIVIL_MAKERS, cost, DEVICE_COLOURS, specs=(*specs, *CIVIL_SPECS))


_SWITCH = ("Norma", "CEI EN 60669-1")
_SOCKET = ("Norma", "CEI 23-50")

CIVIL = Family(
    category="Interruttori e prese", sku_prefix="INT", share=18, markup=(30, 45), vat_rate=22,
    colour=(40, 90, 170), breaks=((10, Decimal("0.85")), (50, Decimal("0.7"))), stock_packs=80,
    lines=(
        _device("Interruttore 1P 16AX 1 modulo", "2.90", ("Corrente nominale", "16 AX"), ("Moduli", "1"), _SWITCH),
        _device("Deviatore 1P 16AX 1 modulo", "3.40", ("Corrente nominale", "16 AX"), ("Moduli", "1"), _SWITCH),
        _device("Invertitore 1P 16AX 1 modulo", "7.60", ("Corrente nominale", "16 AX"), ("Moduli", "1"), _SWITCH),
        _device("Interruttore 2P 16AX 1 modulo", "6.10", ("Corrente nominale", "16 AX"), ("Moduli", "1"), _SWITCH),
        _device("Pulsante 1P NA 10A 1 modulo", "3.20", ("Corrente nominale", "10 A"), ("Moduli", "1"), _SWITCH),
        _device("Pulsante con simbolo campanello 1P NA 10A 1 modulo", "3.90", ("Corrente nominale", "10 A"),
                ("Moduli", "1"), _SWITCH),
        _device("Presa 2P+T 10/16A bipasso 1 modulo", "3.10", ("Corrente nominale", "10/16 A"), ("Moduli", "1"),
                _SOCKET),
        _device("Presa 2P+T 10A 1 modulo", "2.70", ("Corrente nominale", "10 A"), ("Moduli", "1"), _SOCKET),
        _device("Presa universale 2P+T 16A bipasso/Schuko 2 moduli", "7.20", ("Corrente nominale", "16 A"),
                ("Moduli", "2"), _SOCKET),
        _device("Caricatore USB A+C 15W 2 moduli", "24.00", ("Uscite", "USB tipo A + USB tipo C"),
                ("Potenza totale", "15 W"), ("Moduli", "2")),
        _device("Presa RJ45 Cat.6 UTP 1 modulo", "7.90", ("Categoria", "Cat.6"), ("Moduli", "1")),
        _device("Presa TV coassiale diretta 1 modulo", "4.50", ("Impedenza", "75 ohm"), ("Moduli", "1")),
        _device("Dimmer universale per LED 2 moduli", "36.00", ("Carico LED", "5-150 W"), ("Moduli", "2")),
        _device("Suoneria 12V 1 modulo", "9.50", ("Alimentazione", "12 V~"), ("Moduli", "1")),
        _device("Lampada di emergenza estraibile LED 1 modulo", "21.00", ("Autonomia", "1 h"), ("Moduli", "1")),
        _device("Copriforo 1 modulo", "0.85", ("Moduli", "1")),
        line("Placca", CIVIL_MAKERS, "1.90",
             (opt("2 moduli", "1", ("Moduli", "2")), opt("3 moduli", "1.2", ("Moduli", "3")),
              opt("4 moduli", "1.7", ("Moduli", "4")), opt("7 moduli", "3.2", ("Moduli", "7"))),
             (opt("tecnopolimero bianco", "1", ("Finitura", "tecnopolimero bianco")),
              opt("tecnopolimero nero", "1", ("Finitura", "tecnopolimero nero")),
              opt("alluminio", "2.6", ("Finitura", "alluminio spazzolato")),
              opt("vetro bianco", "4.2", ("Finitura", "vetro temperato bianco")),
              opt("vetro nero", "4.2", ("Finitura", "vetro temperato nero")))),
        line("Supporto per scatola 503", CIVIL_MAKERS, "0.90",
             (opt("3 moduli", "1", ("Moduli", "3")), opt("4 moduli", "1.4", ("Moduli", "4")),
              opt("7 moduli", "2.3", ("Moduli", "7")))),
    ),
)

PROTECTION_MAKERS = (maker("ABB", "1.10"), maker("Schneider Electric", "1.08"), maker("BTicino"),
                     maker("Gewiss", "0.95"), maker("Legrand"), maker("Hager"))
FINDER = maker("Finder")


def poles(*pairs: tuple[str, str, str]) -> tuple[Option, ...]:
    return tuple(opt(p, f, ("Poli", p), ("Moduli DIN", m)) for p, f, m in pairs)


def amps(*pairs: tuple[int, str]) -> tuple[Option, ...]:
    return tuple(opt(str(a), f, ("Corrente nominale In", f"{a} A")) for a, f in pairs)


def curves(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(opt(c, f, ("Curva di intervento", c)) for c, f in pairs)


def breaking(*pairs: tuple[str, str, str]) -> tuple[Option, ...]:
    return tuple(opt(label, f, ("Potere di interruzione Icn", icn)) for label, f, icn in pairs)


def residual(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(opt(ma, f, ("Corrente differenziale Idn", ma.replace("mA", " mA"))) for ma, f in pairs)


RCD_TYPES = (opt("AC", "1", ("Tipo", "AC: correnti alternate")),
             opt("A", "1.25", ("Tipo", "A: correnti alternate e pulsanti unidirezionali")),
             opt("F", "1.9", ("Tipo", "F: come A, più correnti composite ad alta frequenza")),
             opt("B", "4.6", ("Tipo", "B: anche correnti continue (colonnine di ricarica, inverter)")))
SMALL_AMPS = ((6, "1.05"), (10, "1"), (13, "1"), (16, "1"), (20, "1"), (25, "1"), (32, "1"))
CURVES = curves(("B", "1.08"), ("C", "1"), ("D", "1.35"))
MCB_SPECS = (("Tensione nominale", "230/400 V ca"), ("Frequenza", "50/60 Hz"), ("Montaggio", "guida DIN EN 60715"),
             ("Norma", "CEI EN 60898-1"))
DIN_ENCLOSURE = ("Montaggio", "guida DIN")


def modules(*pairs: tuple[int, str]) -> tuple[Option, ...]:
    return tuple(opt(f"{n} moduli", cost, ("Moduli DIN", str(n))) for n, cost in pairs)


PROTECTION = Family(
    category="Protezione e quadri", sku_prefix="PRO", share=20, markup=(30, 45), vat_rate=22,
    colour=(30, 140, 80), breaks=((10, Decimal("0.85")), (50, Decimal("0.7"))), stock_packs=40,
    lines=(
        line("Interruttore magnetotermico", PROTECTION_MAKERS, "7.40", poles(("1P+N", "1", "1")), CURVES,
             amps(*SMALL_AMPS), breaking(("4,5kA", "1", "4500 A"), ("6kA", "1.18", "6000 A")),
             template="{0} {1}{2} {3}", specs=MCB_SPECS),
        line("Interruttore magnetotermico", PROTECTION_MAKERS, "7.40",
             poles(("2P", "1.75", "2"), ("3P", "2.75", "3"), ("4P", "3.6", "4")), CURVES,
             amps(*SMALL_AMPS, (40, "1.3"), (50, "1.55"), (63, "1.75")),
             breaking(("6kA", "1.18", "6000 A"), ("10kA", "1.6", "10000 A")),
             template="{0} {1}{2} {3}", specs=MCB_SPECS),
        line("Interruttore differenziale puro", PROTECTION_MAKERS, "21.00",
             poles(("2P", "1", "2"), ("4P", "1.85", "4")), amps((25, "1"), (40, "1.12"), (63, "1.55")),
             residual(("30mA", "1"), ("300mA", "0.97")), RCD_TYPES, template="{0} {1}A {2} tipo {3}",
             specs=(("Tensione nominale", "230/400 V ca"), ("Norma", "CEI EN 61008-1"))),
        line("Interruttore magnetotermico differenziale", PROTECTION_MAKERS, "31.00",
             poles(("1P+N", "1", "2")), curves(("C", "1")),
             amps((6, "1.05"), (10, "1"), (16, "1"), (20, "1"), (25, "1"), (32, "1.08")),
             breaking(("4,5kA", "1", "4500 A"), ("6kA", "1.15", "6000 A")),
             residual(("30mA", "1"), ("10mA", "1.12")), RCD_TYPES[:3],
             template="{0} {1}{2} {3} {4} tipo {5}",
             specs=(("Tensione nominale", "230 V ca"), ("Norma", "CEI EN 61009-1"))),
        line("Scaricatore di sovratensione", PROTECTION_MAKERS, "55.00",
             (opt("Tipo 2", "1", ("Classe di prova", "Tipo 2 (T2)")),
              opt("Tipo 1+2", "2.6", ("Classe di prova", "Tipo 1+2 (T1+T2)"))),
             poles(("1P+N", "1", "2"), ("3P+N", "1.75", "4")),
             (opt("Imax 20kA", "1", ("Corrente massima di scarica Imax", "20 kA")),
              opt("Imax 40kA", "1.25", ("Corrente massima di scarica Imax", "40 kA"))),
             specs=(("Tensione massima continuativa Uc", "275 V"), ("Livello di protezione Up", "1,5 kV"),
                    ("Norma", "CEI EN 61643-11"))),
        line("Centralino da parete IP40", PROTECTION_MAKERS, "1",
             modules((4, "5.20"), (8, "8.40"), (12, "12.50"), (24, "24.00"), (36, "36.00"), (54, "52.00")),
             (opt("porta fumé", "1", ("Porta", "fumé trasparente")), opt("porta bianca", "0.95", ("Porta", "bianca"))),
             specs=(("Grado di protezione", "IP40"), ("Materiale", "tecnopolimero autoestinguente"), DIN_ENCLOSURE)),
        line("Centralino da incasso", PROTECTION_MAKERS, "1.10",
             modules((4, "5.20"), (8, "8.40"), (12, "12.50"), (24, "24.00"), (36, "36.00"), (54, "52.00")),
             (opt("per muratura", "1", ("Installazione", "in muratura")),
              opt("per cartongesso", "1.3", ("Installazione", "in pareti di cartongesso"))),
             specs=(("Grado di protezione", "IP40"), ("Porta", "bianca"), DIN_ENCLOSURE)),
        line("Centralino stagno IP65 porta trasparente", PROTECTION_MAKERS, "1",
             modules((4, "9.50"), (8, "14.50"), (12, "21.00"), (18, "29.00"), (24, "38.00"), (36, "55.00")),
             specs=(("Grado di protezione", "IP65"), ("Resistenza agli urti", "IK08"), DIN_ENCLOSURE)),
        line("Contattore modulare", PROTECTION_MAKERS, "19.00",
             (opt("2NA", "1", ("Contatti", "2 NA")), opt("4NA", "1.5", ("Contatti", "4 NA"))),
             (opt("25A", "1", ("Corrente nominale AC-1", "25 A")),
              opt("40A", "1.6", ("Corrente nominale AC-1", "40 A")),
              opt("63A", "2.4", ("Corrente nominale AC-1", "63 A"))),
             (opt("bobina 230V ca", "1", ("Tensione di bobina", "230 V ca")),
              opt("bobina 24V ca", "1.05", ("Tensione di bobina", "24 V ca"))),
             specs=(("Norma", "CEI EN 61095"), DIN_ENCLOSURE)),
        line("Relè miniatura serie 40", (FINDER,), "6.50",
             (opt("1 scambio 16A", "1", ("Contatti", "1 scambio, 16 A")),
              opt("2 scambi 8A", "1.05", ("Contatti", "2 scambi, 8 A"))),
             (opt("bobina 12V DC", "1", ("Tensione di bobina", "12 V DC")),
              opt("bobina 24V DC", "1", ("Tensione di bobina", "24 V DC")),
              opt("bobina 24V AC", "1", ("Tensione di bobina", "24 V AC")),
              opt("bobina 230V AC", "1.05", ("Tensione di bobina", "230 V AC"))),
             specs=(("Montaggio", "su circuito stampato o zoccolo"),)),
        line("Relè passo-passo modulare 1 contatto 16A", (FINDER,), "18.00",
             (opt("bobina 12V AC", "1", ("Tensione di bobina", "12 V AC")),
              opt("bobina 24V AC", "1", ("Tensione di bobina", "24 V AC")),
              opt("bobina 230V AC", "1", ("Tensione di bobina", "230 V AC"))), specs=(DIN_ENCLOSURE,)),
        line("Temporizzatore multifunzione modulare 1 scambio 16A", (FINDER,), "34.00",
             specs=(("Alimentazione", "12-240 V AC/DC"), ("Funzioni", "6"), DIN_ENCLOSURE)),
        line("Interruttore crepuscolare modulare con fotocellula", (FINDER,), "36.00",
             specs=(("Soglia di intervento", "1-80 lux"), ("Fotocellula", "da esterno, IP54"), DIN_ENCLOSURE)),
        line("Interruttore orario digitale settimanale", (FINDER,), "48.00",
             (opt("1 canale", "1", ("Canali", "1")), opt("2 canali", "1.3", ("Canali", "2"))),
             specs=(("Programmi", "settimanale, ora legale automatica"), DIN_ENCLOSURE)),
    ),
)
