"""VAT of a document line: the rate, or 0 % with the exemption nature ("Natura") of the FatturaPA.

A line is taxed at its product's rate unless an exemption applies; then the rate is 0 and the line
carries the nature code the invoice will show (N1 … N7, the codes of the FatturaPA since 2021). An
exemption comes from the product (a product sold at 0 % has its own nature, e.g. N4 for an exempt
service) or from the customer (an exporter with a "dichiarazione d'intento" buys under N3.5). The
product's own nature wins: it describes the goods, the customer's covers what would carry VAT.
"""

from __future__ import annotations

from decimal import Decimal

from sfa_desktop.domain.messages import N_, UserError, register

__all__ = ["VAT_NATURES", "VatError", "check_nature", "check_product_vat", "line_vat"]

#: The "Natura" codes of the FatturaPA (specifiche tecniche 1.6 onwards), in their order.
VAT_NATURES: tuple[str, ...] = (
    "N1", "N2.1", "N2.2", "N3.1", "N3.2", "N3.3", "N3.4", "N3.5", "N3.6", "N4", "N5",
    "N6.1", "N6.2", "N6.3", "N6.4", "N6.5", "N6.6", "N6.7", "N6.8", "N6.9", "N7",
)
_ZERO = Decimal(0)


class VatError(UserError):
    """A VAT rate and nature that do not go together; the message says why."""


register({
    "vat.unknown_nature": N_("{nature} is not a VAT exemption nature of the FatturaPA (N1, N2.1 … N7)."),
    "vat.nature_needs_zero_rate": N_("The VAT exemption {nature} goes with a 0% rate, not {rate:percent}."),
})


def check_nature(nature: str | None) -> str | None:
    """`nature` when it is a FatturaPA code (or None); VatError otherwise."""
    if nature is not None and nature not in VAT_NATURES:
        raise VatError("vat.unknown_nature", nature=str(nature)[:20])
    return nature


def check_product_vat(rate: Decimal, nature: str | None) -> None:
    """A product carries a nature only at 0 % (an exemption has no rate)."""
    check_nature(nature)
    if nature is not None and rate != _ZERO:
        raise VatError("vat.nature_needs_zero_rate", nature=nature, rate=rate)


def line_vat(*, rate: Decimal, nature: str | None, customer_exemption: str | None) -> tuple[Decimal, str | None]:
    """(rate, nature) of a line: the product's own nature first, then the customer's exemption
    on what would carry VAT, else the product's rate with no nature.

    A product at 0 % without a nature stays at 0 % without one (the ERP did not say why); the
    customer's exemption does not name it, since "0 %" was the product's own rate.
    """
    if nature is not None:
        return _ZERO, nature
    if customer_exemption is not None and rate != _ZERO:
        return _ZERO, customer_exemption
    return rate, None
