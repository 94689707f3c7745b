"""Door entry, burglar alarms, video surveillance and the smart thermostat."""

from __future__ import annotations

from sfa_server.demo_data.assortment.model import Family, line, maker, opt

CAME, URMET, BTICINO = maker("Came"), maker("Urmet"), maker("BTicino", "1.08")
DOOR_ENTRY = (CAME, URMET, BTICINO)
ALARM = (URMET, CAME)

MONITORS = (opt('monitor 4,3"', "1", ("Monitor", '4,3" a colori')),
            opt('monitor 7" vivavoce', "1.3", ("Monitor", '7" a colori, vivavoce')),
            opt('monitor 7" Wi-Fi vivavoce', "1.65", ("Monitor", '7" a colori, vivavoce, Wi-Fi con app')))
TWO_WIRE = ("Sistema", "2 fili non polarizzati")
WIRING = (opt("filare", "1", ("Collegamento", "filare")),
          opt("via radio", "1.5", ("Collegamento", "via radio, 868 MHz")))
RESOLUTION = (opt("2MP", "1", ("Risoluzione", "2 MP (1080p)")), opt("4MP", "1.35", ("Risoluzione", "4 MP")),
              opt("8MP 4K", "2.1", ("Risoluzione", "8 MP (4K)")))
LENS = (opt("ottica fissa 2,8 mm", "1", ("Ottica", "fissa 2,8 mm")),
        opt("ottica motorizzata 2,8-12 mm", "1.8", ("Ottica", "motorizzata 2,8-12 mm")))
CAMERA_SPECS = (("Illuminatore IR", "30 m"), ("Alimentazione", "PoE 802.3af"), ("Compressione", "H.265"))

SECURITY = Family(
    category="Videocitofonia e sicurezza", sku_prefix="SIC", share=6, markup=(25, 40), vat_rate=22,
    colour=(110, 60, 160), stock_packs=20,
    lines=(
        line("Kit videocitofono 2 fili", DOOR_ENTRY, "175", MONITORS,
             (opt("monofamiliare", "1", ("Utenze", "1")), opt("bifamiliare", "1.45", ("Utenze", "2"))),
             specs=(TWO_WIRE, ("Contenuto", "posto esterno, monitor, alimentatore"))),
        line("Monitor videocitofonico aggiuntivo 2 fili", DOOR_ENTRY, "115", MONITORS,
             (opt("bianco", "1", ("Colore", "bianco")), opt("nero", "1.05", ("Colore", "nero"))), specs=(TWO_WIRE,)),
        line("Posto esterno videocitofonico", DOOR_ENTRY, "105",
             (opt("1 pulsante", "1", ("Pulsanti", "1")), opt("2 pulsanti", "1.12", ("Pulsanti", "2")),
              opt("4 pulsanti", "1.35", ("Pulsanti", "4"))),
             (opt("alluminio", "1", ("Finitura", "alluminio")),
              opt("antivandalo in acciaio", "1.55", ("Finitura", "acciaio inox, antivandalo IK09"))),
             specs=(TWO_WIRE, ("Telecamera", "grandangolare con LED di illuminazione"),
                    ("Grado di protezione", "IP54"))),
        line("Citofono aggiuntivo 2 fili", DOOR_ENTRY, "32",
             (opt("bianco", "1", ("Colore", "bianco")), opt("nero", "1.05", ("Colore", "nero"))), specs=(TWO_WIRE,)),
        line("Alimentatore per impianto 2 fili", DOOR_ENTRY, "48",
             specs=(TWO_WIRE, ("Montaggio", "guida DIN, 4 moduli"))),
        line("Centrale antifurto", ALARM, "150",
             (opt("8 zone", "1", ("Zone", "8")), opt("16 zone", "1.5", ("Zone", "16")),
              opt("32 zone", "2.3", ("Zone", "32"))),
             (opt("", "1"), opt("con comunicatore GSM/4G", "1.45", ("Comunicatore", "GSM/4G integrato"))),
             specs=(("Grado di sicurezza", "2 (CEI EN 50131)"), ("Gestione", "tastiera e app"))),
        line("Rivelatore volumetrico a doppia tecnologia", ALARM, "26", WIRING,
             (opt("per interno", "1", ("Installazione", "interno")),
              opt("per esterno IP54", "2", ("Installazione", "esterno, IP54"))),
             specs=(("Portata", "12 m, 90°"), ("Tecnologia", "infrarosso passivo + microonda"))),
        line("Contatto magnetico per porte e finestre", ALARM, "3.50",
             (opt("filare", "1", ("Collegamento", "filare")),
              opt("via radio", "6", ("Collegamento", "via radio, 868 MHz"))),
             specs=(("Montaggio", "a vista"),)),
        line("Sirena da esterno autoalimentata con lampeggiante", ALARM, "40",
             specs=(("Pressione sonora", "105 dB a 1 m"), ("Grado di protezione", "IP44"))),
        line("Telecamera IP bullet IP67", ALARM, "55", RESOLUTION, LENS,
             specs=(*CAMERA_SPECS, ("Grado di protezione", "IP67"))),
        line("Telecamera IP dome IP66", ALARM, "58", RESOLUTION, LENS,
             specs=(*CAMERA_SPECS, ("Grado di protezione", "IP66"), ("Resistenza agli urti", "IK10"))),
        line("Videoregistratore di rete NVR PoE", ALARM, "110",
             (opt("4 canali", "1", ("Canali", "4 PoE")), opt("8 canali", "1.5", ("Canali", "8 PoE")),
              opt("16 canali", "2.4", ("Canali", "16 PoE"))),
             specs=(("Disco", "alloggiamento per 1 HDD SATA, non incluso"), ("Uscite video", "HDMI 4K, VGA"))),
        line("Termostato smart Wi-Fi da incasso", (BTICINO, CAME), "130",
             specs=(("Installazione", "scatola 503"), ("Gestione", "app, assistenti vocali"),
                    ("Alimentazione", "230 V~"))),
    ),
)
