"""How the demo catalog is described: families of product lines, each line sold by the makers that
really make it, in variants (options) that fit it, with a cost per unit and technical data.

A family's articles are the combinations line x maker/series x one option per dimension; an article
is found from its index in that space without building the space (the large catalog draws 50,000).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from decimal import Decimal

ONE = Decimal(1)
Specs = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Option:
    """One value of a dimension of a line ('1×2,5 mm²', 'C', '16'), its cost factor and its data."""

    label: str
    factor: Decimal = ONE
    specs: Specs = ()
    #: a pack size of its own (a 10 mm² cable comes in 50 m coils, a 2,5 mm² one in 100 m coils)
    pack: int | None = None


def opt(label: str, factor: str | Decimal = "1", *specs: tuple[str, str], pack: int | None = None) -> Option:
    return Option(label, Decimal(factor), tuple(specs), pack)


@dataclass(frozen=True, slots=True)
class Maker:
    """A brand, its price level, and the series under which it sells a line (BTicino Living Now)."""

    name: str
    factor: Decimal = ONE
    series: tuple[tuple[str, Decimal], ...] = (("", ONE),)


def maker(name: str, factor: str = "1", *series: tuple[str, str]) -> Maker:
    return Maker(name, Decimal(factor), tuple((s, Decimal(f)) for s, f in series) or (("", ONE),))


@dataclass(frozen=True, slots=True)
class Line:
    """A kind of article ('Cavo unipolare FS17 450/750V'): who makes it, its variants, its unit."""

    name: str
    makers: tuple[Maker, ...]
    #: cost of one unit (EUR) before the maker's, the series' and the options' factors
    cost: Decimal
    dims: tuple[tuple[Option, ...], ...] = ()
    unit: str = "PZ"
    pack: int = 1
    #: how the pack reads in the description: 'Matassa da {pack} m'
    pack_words: str = ""
    #: how the options join into the name, '{0} {1}{2} {3}' (default: separated by spaces)
    template: str = ""
    specs: Specs = ()
    #: quantity breaks in packs, when they differ from the family's (None: the family's)
    break_packs: tuple[int, ...] | None = None

    @property
    def size(self) -> int:
        n = sum(len(m.series) for m in self.makers)
        for dim in self.dims:
            n *= len(dim)
        return n


def line(name: str, makers: tuple[Maker, ...], cost: str, *dims: tuple[Option, ...], unit: str = "PZ",
         pack: int = 1, pack_words: str = "", template: str = "", specs: Specs = (),
         break_packs: tuple[int, ...] | None = None) -> Line:
    return Line(name, makers, Decimal(cost), tuple(dims), unit, pack, pack_words, template, specs, break_packs)


@dataclass(frozen=True, slots=True)
class Family:
    """A product category of the wholesaler, with its pricing habits."""

    category: str
    sku_prefix: str
    #: share of the catalog (weights; the families' shares add up to 100)
    share: int
    #: markup range of the list price over cost, percent
    markup: tuple[int, int]
    vat_rate: int
    #: RGB of the family in tech sheets and product images
    colour: tuple[int, int, int]
    lines: tuple[Line, ...]
    #: quantity breaks of the base list: (packs, share of the margin kept at that quantity)
    breaks: tuple[tuple[int, Decimal], ...] = ()
    #: at most this many packs on hand in one warehouse
    stock_packs: int = 50

    @property
    def brands(self) -> frozenset[str]:
        return frozenset(m.name for ln in self.lines for m in ln.makers)


@dataclass(frozen=True, slots=True)
class Article:
    """One combination: what a product row is generated from, and what its tech sheet shows."""

    family: Family
    line: Line
    maker: Maker
    series: str
    #: cost factor of the maker, the series and the options together
    factor: Decimal
    options: tuple[Option, ...]

    @property
    def brand(self) -> str:
        return self.maker.name

    @property
    def pack(self) -> int:
        for option in self.options:
            if option.pack is not None:
                return option.pack
        return self.line.pack

    @property
    def name(self) -> str:
        labels = [o.label for o in self.options]
        variant = self.line.template.format(*labels) if self.line.template else " ".join(labels)
        text = f"{self.line.name} {variant} {self.maker.name} {self.series}"
        return " ".join(text.split())

    @property
    def break_packs(self) -> tuple[int, ...]:
        if self.line.break_packs is not None:
            return self.line.break_packs
        return tuple(packs for packs, _ in self.family.breaks)

    @property
    def specs(self) -> Specs:
        made_by = (("Marca", self.maker.name),) + ((("Serie", self.series),) if self.series else ())
        return made_by + self.line.specs + tuple(s for o in self.options for s in o.specs)


@dataclass
class FamilyPlan:
    """Index arithmetic over a family's combinations (no list of them is built)."""

    family: Family
    _starts: list[int] = field(default_factory=list)
    _makers: list[list[tuple[Maker, str, Decimal]]] = field(default_factory=list)
    _decoded: dict[int, Article] = field(default_factory=dict)
    size: int = 0

    def __post_init__(self) -> None:
        for ln in self.family.lines:
            self._starts.append(self.size)
            self._makers.append([(m, s, m.factor * f) for m in ln.makers for s, f in m.series])
            self.size += ln.size

    def article(self, index: int) -> Article:
        """The article at `index` (the same object each time it is asked for)."""
        found = self._decoded.get(index)
        if found is None:
            found = self._decoded[index] = self._decode(index)
        return found

    def _decode(self, index: int) -> Article:
        n = bisect.bisect_right(self._starts, index) - 1
        ln, rest = self.family.lines[n], index - self._starts[n]
        options = []
        factor = ONE
        for dim in reversed(ln.dims):
            rest, k = divmod(rest, len(dim))
            options.append(dim[k])
            factor *= dim[k].factor
        made_by, series, maker_factor = self._makers[n][rest]
        return Article(self.family, ln, made_by, series, factor * maker_factor, tuple(reversed(options)))
