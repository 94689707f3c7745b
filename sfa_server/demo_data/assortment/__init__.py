"""The demo wholesaler's assortment: product families, the lines in each, who makes them, their variants."""

from __future__ import annotations

from sfa_server.demo_data.assortment.cables import CABLES
from sfa_server.demo_data.assortment.devices import CIVIL, PROTECTION
from sfa_server.demo_data.assortment.lighting import LIGHTING
from sfa_server.demo_data.assortment.model import Article, Family, FamilyPlan, Line, Maker, Option
from sfa_server.demo_data.assortment.security import SECURITY
from sfa_server.demo_data.assortment.site import CONDUITS, FIXINGS, TOOLS
from sfa_server.demo_data.assortment.solar import SOLAR

FAMILIES: tuple[Family, ...] = (CABLES, CIVIL, PROTECTION, LIGHTING, CONDUITS, FIXINGS, TOOLS, SECURITY, SOLAR)

__all__ = ["FAMILIES", "Article", "Family", "FamilyPlan", "Line", "Maker", "Option"]
