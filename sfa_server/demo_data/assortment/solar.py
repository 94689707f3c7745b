"""Photovoltaics for homes: panels in W, inverters in kW, storage batteries in kWh (VAT 10 %)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sfa_server.demo_data.assortment.model import Family, Option, line, maker, opt

PANEL_AREA_M2 = Decimal("1.722") * Decimal("1.134")


def _it(value: Decimal, places: str = "0.1") -> str:
    return str(value.quantize(Decimal(places), rounding=ROUND_HALF_UP)).replace(".", ",")


def panel_powers(lowest: int, highest: int, step: int = 5) -> tuple[Option, ...]:
    """Panel powers; the electrical data follow from the power (108 half-cut cells, 1722×1134 mm)."""
    options = []
    for watts in range(lowest, highest + 1, step):
        p = Decimal(watts)
        vmp = Decimal(31) + (p - 400) * Decimal("0.04")
        imp = p / vmp
        options.append(opt(f"{watts}W", p, ("Potenza nominale Pmax", f"{watts} W (tolleranza 0/+5 W)"),
                           ("Efficienza del modulo", f"{_it(p / PANEL_AREA_M2 / 10)} %"),
                           ("Tensione / corrente alla massima potenza", f"{_it(vmp)} V / {_it(imp, '0.01')} A"),
                           ("Tensione a vuoto Voc", f"{_it(vmp * Decimal('1.2'))} V"),
                           ("Corrente di corto circuito Isc", f"{_it(imp * Decimal('1.06'), '0.01')} A")))
    return tuple(options)


def kilowatts(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(opt(f"{kw}kW", f, ("Potenza nominale CA", f"{kw} kW")) for kw, f in pairs)


def capacities(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    """Battery sizes: (capacity in kWh, nominal voltage); the cost is per kWh."""
    options = []
    for kwh, voltage in pairs:
        capacity = Decimal(kwh.replace(",", "."))
        options.append(opt(f"{kwh}kWh", capacity, ("Capacità nominale", f"{kwh} kWh"),
                           ("Capacità utilizzabile", f"{_it(capacity * Decimal('0.95'), '0.01')} kWh"),
                           ("Tensione nominale", voltage)))
    return tuple(options)


PANELS = (maker("JA Solar"), maker("Trina Solar"), maker("LG", "1.08"))
INVERTERS = (maker("Huawei", "0.95"), maker("SMA", "1.10"), maker("SolarEdge", "1.05"), maker("FIMER", "0.95"))
GRID_CODE = ("Norma di connessione", "CEI 0-21")
BATTERY_SPECS = (("Chimica", "litio ferro fosfato (LFP)"), ("Cicli di vita", "oltre 6.000 al 90 % DoD"),
                 ("Garanzia", "10 anni"))

SOLAR = Family(
    category="Fotovoltaico", sku_prefix="FTV", share=7, markup=(12, 20), vat_rate=10, colour=(20, 60, 130),
    stock_packs=30,
    lines=(
        line("Modulo fotovoltaico monocristallino", PANELS, "0.21", panel_powers(400, 450),
             (opt("cornice nera", "1", ("Cornice", "alluminio anodizzato nero"), ("Backsheet", "bianco")),
              opt("full black", "1.04", ("Cornice", "alluminio anodizzato nero"), ("Backsheet", "nero"))),
             break_packs=(36,),
             specs=(("Celle", "108 half-cut monocristalline tipo N"), ("Dimensioni", "1722×1134×30 mm"),
                    ("Peso", "21,5 kg"), ("Tensione massima di sistema", "1500 V DC"),
                    ("Garanzia di prodotto", "25 anni"), ("Garanzia di rendimento", "30 anni"))),
        line("Inverter ibrido monofase", INVERTERS, "880",
             kilowatts(("3", "1"), ("3,6", "1.08"), ("5", "1.3"), ("6", "1.45")),
             specs=(("Ingressi MPPT", "2"), ("Tensione massima DC", "600 V"), ("Batterie", "alta tensione (HV)"),
                    ("Grado di protezione", "IP65"), GRID_CODE)),
        line("Inverter ibrido trifase", INVERTERS, "1650", kilowatts(("8", "1"), ("10", "1.15"), ("12", "1.3")),
             specs=(("Ingressi MPPT", "2"), ("Tensione massima DC", "1100 V"), ("Batterie", "alta tensione (HV)"),
                    ("Grado di protezione", "IP65"), GRID_CODE)),
        line("Inverter di stringa monofase", INVERTERS, "560",
             kilowatts(("3", "1"), ("4,6", "1.15"), ("5", "1.25"), ("6", "1.35")),
             specs=(("Ingressi MPPT", "2"), ("Tensione massima DC", "600 V"), ("Grado di protezione", "IP65"),
                    GRID_CODE)),
        line("Inverter di stringa trifase", INVERTERS, "1150",
             kilowatts(("8", "1"), ("10", "1.12"), ("15", "1.4"), ("20", "1.7")),
             specs=(("Ingressi MPPT", "2"), ("Tensione massima DC", "1100 V"), ("Grado di protezione", "IP66"),
                    GRID_CODE)),
        line("Ottimizzatore di potenza", (maker("SolarEdge"),), "48",
             (opt("S440", "1", ("Potenza massima in ingresso", "440 W")),
              opt("S500", "1.1", ("Potenza massima in ingresso", "500 W"))),
             specs=(("Installazione", "uno per modulo, sulla struttura"),)),
        line("Smart meter", INVERTERS, "85",
             (opt("monofase", "1", ("Rete", "monofase")), opt("trifase", "1.5", ("Rete", "trifase"))),
             specs=(("Montaggio", "guida DIN"), ("Comunicazione", "RS485 Modbus"))),
        line("Batteria di accumulo al litio LFP", (maker("BYD", "1", ("Battery-Box Premium HVS", "1")),), "360",
             capacities(("5,1", "204 V"), ("7,7", "307 V"), ("10,2", "409 V"), ("12,8", "512 V")),
             specs=BATTERY_SPECS),
        line("Batteria di accumulo al litio LFP", (maker("Pylontech", "1", ("Force H2", "1")),), "330",
             capacities(("7,1", "192 V"), ("10,65", "288 V"), ("14,2", "384 V")), specs=BATTERY_SPECS),
        line("Batteria di accumulo al litio LFP", (maker("Pylontech", "1", ("US5000", "1")),), "320",
             capacities(("4,8", "48 V")), specs=BATTERY_SPECS),
        line("Batteria di accumulo al litio LFP", (maker("Huawei", "1", ("LUNA2000", "1")),), "340",
             capacities(("5", "350-560 V"), ("10", "350-560 V"), ("15", "350-560 V")), specs=BATTERY_SPECS),
    ),
)
