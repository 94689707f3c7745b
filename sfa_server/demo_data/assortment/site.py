"""What goes on site with the cables: conduits and boxes, anchors and screws, power tools."""

from __future__ import annotations

from decimal import Decimal

from sfa_server.demo_data.assortment.model import Family, Option, line, maker, opt

GEWISS, DIELECTRIX, BOCCHIOTTI = maker("Gewiss"), maker("Dielectrix", "0.92"), maker("Bocchiotti")
LEGRAND, BTICINO, VIMAR = maker("Legrand", "1.05"), maker("BTicino"), maker("Vimar")
CONDUIT_MAKERS = (GEWISS, DIELECTRIX, BOCCHIOTTI)


def diameters(*pairs: tuple[int, str], coil_from: int = 32) -> tuple[Option, ...]:
    """Conduit sizes (outer diameter, cost per metre); from `coil_from` on they come in 50 m coils."""
    return tuple(opt(f"Ø{d} mm", cost, ("Diametro esterno", f"{d} mm"), pack=50 if d >= coil_from else None)
                 for d, cost in pairs)


def boxes(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(opt(f"{size} mm", cost, ("Dimensioni", f"{size} mm")) for size, cost in pairs)


def colours(*names: str) -> tuple[Option, ...]:
    return tuple(opt(name, "1", ("Colore", name)) for name in names)


CORRUGATED = ((16, "0.13"), (20, "0.17"), (25, "0.25"), (32, "0.40"), (40, "0.58"), (50, "0.85"))
PVC = ("Materiale", "PVC autoestinguente, marchio IMQ")

CONDUITS = Family(
    category="Tubi, canaline e scatole", sku_prefix="TUB", share=9, markup=(25, 40), vat_rate=22,
    colour=(120, 130, 140), breaks=((5, Decimal("0.85")), (10, Decimal("0.7"))), stock_packs=60,
    lines=(
        line("Tubo corrugato flessibile pesante", CONDUIT_MAKERS, "1", diameters(*CORRUGATED),
             colours("grigio", "nero", "blu"), unit="M", pack=100, pack_words="Rotolo da {pack} m",
             specs=(PVC, ("Resistenza allo schiacciamento", "750 N"), ("Norma", "CEI EN 61386-22"))),
        line("Tubo corrugato flessibile leggero", CONDUIT_MAKERS, "0.78", diameters(*CORRUGATED),
             colours("grigio", "nero", "blu"), unit="M", pack=100, pack_words="Rotolo da {pack} m",
             specs=(PVC, ("Resistenza allo schiacciamento", "320 N"), ("Norma", "CEI EN 61386-22"))),
        line("Tubo rigido in PVC pesante", CONDUIT_MAKERS, "1",
             tuple(opt(f"Ø{d} mm", c, ("Diametro esterno", f"{d} mm"))
                   for d, c in ((16, "0.30"), (20, "0.38"), (25, "0.55"), (32, "0.85"), (40, "1.25"), (50, "1.80"))),
             colours("grigio", "nero"), unit="M", pack=3, pack_words="Barra da {pack} m",
             specs=(PVC, ("Resistenza allo schiacciamento", "750 N"), ("Norma", "CEI EN 61386-21"))),
        line("Guaina spiralata in PVC", (GEWISS, DIELECTRIX), "1",
             diameters((16, "0.45"), (20, "0.58"), (25, "0.80"), (32, "1.15"), coil_from=16),
             unit="M", pack=50, pack_words="Rotolo da {pack} m",
             specs=(("Materiale", "PVC plastificato con spirale rigida"), ("Grado di protezione", "IP65"))),
        line("Canale portacavi in PVC con coperchio", (LEGRAND, BOCCHIOTTI), "1",
             boxes(("25×17", "0.95"), ("40×17", "1.25"), ("60×40", "2.90"), ("80×40", "3.70"), ("100×60", "6.10")),
             colours("bianco", "grigio"), unit="M", pack=2, pack_words="Barra da {pack} m",
             specs=(PVC, ("Norma", "CEI EN 50085-2-1"))),
        line("Scatola da incasso rettangolare 503", (BTICINO, VIMAR, GEWISS), "1",
             (opt("per muratura", "0.30", ("Installazione", "in muratura")),
              opt("per cartongesso", "0.85", ("Installazione", "in pareti di cartongesso"))),
             pack=25, pack_words="Confezione da {pack} pezzi",
             specs=(("Moduli", "3"), ("Materiale", "tecnopolimero autoestinguente"))),
        line("Cassetta di derivazione da parete IP55", (GEWISS, BOCCHIOTTI, LEGRAND), "1",
             boxes(("100×100×50", "1.60"), ("150×110×70", "2.60"), ("190×140×70", "3.70"),
                   ("240×190×90", "6.20"), ("300×220×120", "9.50")),
             (opt("pareti lisce", "1", ("Pareti", "lisce")), opt("con passacavi", "1.1", ("Pareti", "con passacavi"))),
             specs=(("Grado di protezione", "IP55"), ("Colore", "grigio RAL 7035"), ("Coperchio", "a vite"))),
        line("Cassetta di derivazione da incasso", (GEWISS, BOCCHIOTTI, BTICINO), "1",
             boxes(("118×96×50", "1.10"), ("160×130×70", "1.80"), ("196×152×70", "2.60"), ("294×152×70", "3.90")),
             specs=(("Coperchio", "bianco, a vite"), ("Installazione", "in muratura"))),
    ),
)

FISCHER = maker("Fischer")
BOX = "Scatola da {pack} pezzi"


def anchor_sizes(*triples: tuple[str, str, int]) -> tuple[Option, ...]:
    """Anchor sizes 'd×L' (cost per piece, pieces per box); the hole is d wide and L + 10 mm deep."""
    options = []
    for size, cost, box in triples:
        d, length = size.split("×")
        options.append(opt(size, cost, ("Diametro foro", f"{d} mm"), ("Lunghezza tassello", f"{length} mm"),
                           ("Profondità minima del foro", f"{int(length) + 10} mm"), pack=box))
    return tuple(options)


def screw_sizes(*triples: tuple[str, str, int]) -> tuple[Option, ...]:
    return tuple(opt(size, cost, ("Dimensioni (diametro × lunghezza)", f"{size} mm"), pack=box)
                 for size, cost, box in triples)


MASONRY = ("Supporti", "calcestruzzo, mattone pieno e forato, pietra")

FIXINGS = Family(
    category="Fissaggi e ferramenta", sku_prefix="FIS", share=6, markup=(40, 60), vat_rate=22,
    colour=(90, 90, 100), breaks=((10, Decimal("0.85")), (50, Decimal("0.7"))), stock_packs=200,
    lines=(
        line("Tassello in nylon SX plus", (FISCHER,), "1",
             anchor_sizes(("5×25", "0.028", 100), ("6×30", "0.040", 100), ("8×40", "0.072", 100),
                          ("10×50", "0.125", 50), ("12×60", "0.21", 50), ("14×70", "0.34", 50)),
             pack=100, pack_words=BOX, specs=(("Materiale", "nylon (poliammide)"), MASONRY)),
        line("Tassello universale UX", (FISCHER,), "1",
             anchor_sizes(("6×35", "0.050", 100), ("8×50", "0.090", 100), ("10×60", "0.15", 50),
                          ("12×70", "0.25", 50)),
             (opt("", "1"), opt("con collare", "1.08", ("Collare", "sì, evita che il tassello scivoli nel foro"))),
             pack=100, pack_words=BOX, specs=(("Materiale", "nylon (poliammide)"), MASONRY)),
        line("Tassello DuoPower", (FISCHER,), "1",
             anchor_sizes(("5×25", "0.045", 100), ("6×30", "0.060", 100), ("8×40", "0.10", 100),
                          ("10×50", "0.17", 50), ("12×60", "0.29", 50)),
             (opt("", "1"), opt("con vite", "2.3", ("Vite", "inclusa, zincata"))),
             pack=100, pack_words=BOX, specs=(("Materiale", "bicomponente nylon"), MASONRY)),
        line("Tassello per cartongesso GK con vite", (FISCHER,), "0.14", pack=100, pack_words=BOX,
             specs=(("Supporti", "cartongesso, lastre in gesso"), ("Installazione", "autoperforante, senza foro"))),
        line("Ancorante passante FBN II", (FISCHER,), "1",
             (opt("M8×75/10", "0.55", ("Filetto", "M8"), pack=50),
              opt("M10×95/10", "0.85", ("Filetto", "M10"), pack=50),
              opt("M12×120/20", "1.40", ("Filetto", "M12"), pack=20),
              opt("M16×145/25", "2.80", ("Filetto", "M16"), pack=20)),
             (opt("zincato", "1", ("Materiale", "acciaio zincato")),
              opt("inox A4", "3.2", ("Materiale", "acciaio inox A4"))),
             pack=50, pack_words=BOX, specs=(("Supporti", "calcestruzzo non fessurato"), ("Omologazione", "ETA"))),
        line("Ancorante chimico FIS V 360 S", (FISCHER,), "12.50",
             specs=(("Contenuto", "cartuccia da 360 ml"), ("Base", "vinilestere senza stirene"), MASONRY)),
        line("Ancorante chimico epossidico FIS EM Plus 390 S", (FISCHER,), "28.00",
             specs=(("Contenuto", "cartuccia da 390 ml"),
                    ("Supporti", "calcestruzzo fessurato e non, ferri di ripresa"))),
        line("Vite per legno testa svasata piana PZ", (maker("Fischer", "1", ("Power-Fast II", "1")),), "1",
             screw_sizes(("3,5×30", "0.011", 100), ("4×40", "0.016", 100), ("4×50", "0.019", 100),
                         ("5×50", "0.028", 100), ("5×60", "0.033", 100), ("5×70", "0.039", 100),
                         ("6×80", "0.060", 50), ("6×100", "0.075", 50)),
             (opt("zincata", "1", ("Finitura", "zincata bianca")),
              opt("inox A2", "3", ("Finitura", "acciaio inox A2"))),
             pack=100, pack_words=BOX, specs=(("Impronta", "Pozidriv PZ"), ("Punta", "autoforante"))),
        line("Vite per cartongesso fosfatata", (FISCHER,), "1",
             screw_sizes(("3,5×25", "0.008", 100), ("3,5×35", "0.010", 100), ("3,5×45", "0.013", 100),
                         ("3,9×55", "0.018", 100)),
             pack=100, pack_words=BOX, specs=(("Impronta", "Phillips PH2"), ("Testa", "a tromba"))),
        line("Fascetta in nylon", (maker("Legrand", "1", ("Colson", "1")), maker("ABB", "1", ("Ty-Rap", "1.1"))), "1",
             tuple(opt(f"{size} mm", cost, ("Dimensioni (larghezza × lunghezza)", f"{size} mm"))
                   for size, cost in (("2,5×100", "0.55"), ("2,5×200", "0.95"), ("3,6×140", "0.95"),
                                      ("3,6×200", "1.30"), ("4,8×200", "1.80"), ("4,8×300", "2.70"),
                                      ("7,6×370", "5.20"))),
             (opt("naturale", "1", ("Colore", "naturale")),
              opt("nera resistente UV", "1.15", ("Colore", "nero, anti UV"))),
             template="{0} {1} (busta 100 pz)", unit="CF", pack_words="Busta da 100 pezzi",
             specs=(("Materiale", "poliammide 6.6"), ("Contenuto della confezione", "100 pezzi"))),
    ),
)

CORDLESS = (maker("Bosch", "1", ("Professional 18V", "1")), maker("Makita", "1", ("18V LXT", "1")),
            maker("Hilti", "1", ("Nuron 22V", "1.3")))
CORDED = (maker("Bosch", "1", ("Professional", "1")), maker("Makita"))
ACCESSORY_MAKERS = (maker("Bosch"), maker("Makita", "0.95"), maker("Hilti", "1.25"))
KITS = (opt("solo corpo", "1", ("Dotazione", "senza batterie né caricabatterie")),
        opt("kit 2 batterie e caricabatterie in valigetta", "2.1",
            ("Dotazione", "2 batterie, caricabatterie rapido, valigetta")))
BRUSHLESS = (("Motore", "brushless"),)

TOOLS = Family(
    category="Elettroutensili", sku_prefix="UTE", share=6, markup=(20, 30), vat_rate=22, colour=(200, 40, 40),
    stock_packs=15,
    lines=(
        line("Trapano avvitatore a batteria", CORDLESS, "95", KITS, specs=(*BRUSHLESS, ("Mandrino", "13 mm"))),
        line("Trapano avvitatore con percussione a batteria", CORDLESS, "110", KITS,
             specs=(*BRUSHLESS, ("Mandrino", "13 mm"))),
        line("Tassellatore SDS-plus a batteria", CORDLESS, "165", KITS,
             specs=(*BRUSHLESS, ("Attacco", "SDS-plus"), ("Foratura calcestruzzo", "fino a 26 mm"))),
        line("Smerigliatrice angolare a batteria Ø125 mm", CORDLESS, "105", KITS,
             specs=(*BRUSHLESS, ("Diametro disco", "125 mm"))),
        line("Avvitatore a impulsi a batteria", CORDLESS, "100", KITS,
             specs=(*BRUSHLESS, ("Attacco", "esagono 1/4\""))),
        line("Sega circolare a batteria Ø165 mm", CORDLESS, "165", KITS,
             specs=(*BRUSHLESS, ("Diametro lama", "165 mm"))),
        line("Utensile multifunzione oscillante a batteria", CORDLESS, "115", KITS, specs=BRUSHLESS),
        line("Seghetto alternativo a batteria", CORDLESS, "140", KITS, specs=BRUSHLESS),
        line("Caricabatterie rapido", CORDLESS, "45", specs=(("Alimentazione", "230 V"),)),
        line("Batteria di ricambio", CORDLESS[:2], "38",
             (opt("2,0Ah", "1", ("Capacità", "2,0 Ah")), opt("5,0Ah", "1.9", ("Capacità", "5,0 Ah"))),
             specs=(("Tipo", "ioni di litio"),)),
        line("Martello perforatore SDS-plus 800W", CORDED, "120",
             specs=(("Potenza assorbita", "800 W"), ("Energia di impatto", "2,7 J"), ("Dotazione", "valigetta"))),
        line("Smerigliatrice angolare Ø115 mm 720W", CORDED, "45", specs=(("Potenza assorbita", "720 W"),)),
        line("Smerigliatrice angolare Ø230 mm 2200W", CORDED, "95", specs=(("Potenza assorbita", "2200 W"),)),
        line("Punta SDS-plus per calcestruzzo", ACCESSORY_MAKERS, "1",
             tuple(opt(size, cost, ("Diametro × lunghezza", size)) for size, cost in (
                 ("Ø6×110 mm", "2.10"), ("Ø6×160 mm", "2.40"), ("Ø8×160 mm", "2.70"), ("Ø10×160 mm", "3.30"),
                 ("Ø12×210 mm", "4.60"), ("Ø14×260 mm", "6.50"))),
             specs=(("Taglienti", "4, in metallo duro"),)),
        line("Disco da taglio per metallo Ø125×1,0 mm", ACCESSORY_MAKERS, "0.95", pack=10,
             pack_words="Confezione da {pack} dischi", specs=(("Foro", "22,23 mm"),)),
        line("Livella laser a linee verdi", ACCESSORY_MAKERS, "120",
             (opt("2 linee a croce", "1", ("Linee", "2, a croce")), opt("3 linee 360°", "2.3", ("Linee", "3 a 360°"))),
             specs=(("Precisione", "± 0,3 mm/m"), ("Autolivellamento", "sì"))),
    ),
)
