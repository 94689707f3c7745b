"""Cascading discounts written the Italian way, "10+5+3": net = price × 0.90 × 0.95 × 0.97."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from sfa_desktop.domain.money import round_to

__all__ = [
    "MAX_STEPS",
    "NO_DISCOUNT",
    "Discount",
    "DiscountError",
    "combine_discounts",
    "effective_line_discount",
    "equivalent_percent_rounded",
    "format_discount",
    "parse_discount",
]

#: Longest cascade accepted; real price lists stop at 3-4 steps.
MAX_STEPS = 8
#: Most decimals a step may carry ("17,065" is the single discount equal to 10+5+3).
MAX_STEP_DECIMALS = 4
_HUNDRED = Decimal(100)
_ONE = Decimal(1)
# Enough digits to keep every product of up to MAX_STEPS factors exact (order-independent).
_EXACT_PRECISION = 120
_STEP = re.compile(r"^\d+([.,]\d+)?%?$")


class DiscountError(ValueError):
    """A discount text or value is not a valid cascade; the message says what is wrong."""


@dataclass(frozen=True)
class Discount:
    """A cascade of percentage steps applied one after another; zero steps are dropped."""

    steps: tuple[Decimal, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.steps, tuple):
            raise TypeError("Discount.steps must be a tuple of Decimal")
        for step in self.steps:
            _check_step(step)
        if len(self.steps) > MAX_STEPS:
            raise DiscountError(f"a discount has at most {MAX_STEPS} steps, this one has {len(self.steps)}")
        if any(step == 0 for step in self.steps):
            object.__setattr__(self, "steps", tuple(step for step in self.steps if step != 0))

    @property
    def factor(self) -> Decimal:
        """What is left of the price: the product of (1 - step/100), computed exactly."""
        with localcontext() as ctx:
            ctx.prec = _EXACT_PRECISION
            result = _ONE
            for step in self.steps:
                result *= _ONE - step / _HUNDRED
            return +result

    def apply(self, price: Decimal) -> Decimal:
        """The discounted price, exact and unrounded (round once, where the line total is made)."""
        if not isinstance(price, Decimal):
            raise TypeError(f"price must be a Decimal, not {type(price).__name__}")
        if not self.steps:
            return price
        with localcontext() as ctx:
            ctx.prec = _EXACT_PRECISION
            return price * self.factor

    @property
    def is_zero(self) -> bool:
        return not self.steps

    @property
    def equivalent_percent(self) -> Decimal:
        """The single discount with the same effect: 10+5 -> 14.5, 10+5+3 -> 17.065 (exact)."""
        with localcontext() as ctx:
            ctx.prec = _EXACT_PRECISION
            return ((_ONE - self.factor) * _HUNDRED).normalize() if self.steps else Decimal(0)

    def then(self, other: Discount) -> Discount:
        """This cascade followed by `other` (e.g. the customer's discount, then a promotion)."""
        return Discount(self.steps + other.steps)

    def __str__(self) -> str:
        return format_discount(self, "en")


NO_DISCOUNT = Discount()


def _check_step(step: object) -> None:
    if isinstance(step, bool) or not isinstance(step, Decimal):
        raise TypeError(f"a discount step must be a Decimal, not {type(step).__name__}")
    if not step.is_finite():
        raise DiscountError(f"a discount step must be a number, not {step}")
    if step < 0:
        raise DiscountError(f"discount step {step} is negative: a discount cannot raise the price")
    if step > _HUNDRED:
        raise DiscountError(f"discount step {step} is above 100%")
    if step != step.quantize(Decimal(1).scaleb(-MAX_STEP_DECIMALS)):
        raise DiscountError(f"discount step {step} has more than {MAX_STEP_DECIMALS} decimals")


def parse_discount(text: str | None) -> Discount:
    """Parse "10+5", "10 + 5", "10,5+2", "10%+5%"; "" or None is no discount.

    Each rejection says what is wrong: an empty step ("10++5", "100+", "+5"), a sign ("-3"), a
    step above 100 ("120"), something that is not a number ("abc", "1,2,3"), too many decimals.
    """
    if text is None:
        return NO_DISCOUNT
    if not isinstance(text, str):
        raise DiscountError(f"a discount must be text like '10+5', not {type(text).__name__}")
    cleaned = text.replace("\u00a0", " ").strip()
    if not cleaned:
        return NO_DISCOUNT
    if len(cleaned) > 80:
        raise DiscountError("the discount is too long: write the steps like '10+5+3'")
    if cleaned.startswith("-") or re.search(r"\+\s*-", cleaned):
        raise DiscountError(f"{text!r}: a discount step cannot be negative; write steps like '10+5'")
    if cleaned.startswith("+"):
        raise DiscountError(f"{text!r} starts with '+': write the first step before it, like '10+5'")
    if cleaned.endswith("+"):
        raise DiscountError(f"{text!r} ends with '+': a step is missing after it")
    parts = [part.strip() for part in cleaned.split("+")]
    steps: list[Decimal] = []
    for position, part in enumerate(parts, start=1):
        if not part:
            raise DiscountError(f"{text!r}: step {position} is empty (two '+' in a row); write e.g. '10+5'")
        if " " in part:
            raise DiscountError(
                f"{text!r}: step {position} ({part!r}) has a space inside; separate steps with '+'")
        if not _STEP.match(part):
            raise DiscountError(
                f"{text!r}: step {position} ({part!r}) is not a number; write percentages separated "
                "by '+', like '10+5' or '10,5+2'")
        try:
            value = Decimal(part.rstrip("%").replace(",", "."))
        except InvalidOperation:  # pragma: no cover - _STEP lets only numbers through
            raise DiscountError(f"{text!r}: step {position} is not a number") from None
        if value > _HUNDRED:
            raise DiscountError(f"{text!r}: step {position} ({part}) is above 100%")
        if value != value.quantize(Decimal(1).scaleb(-MAX_STEP_DECIMALS)):
            raise DiscountError(
                f"{text!r}: step {position} ({part}) has more than {MAX_STEP_DECIMALS} decimals")
        steps.append(value)
    if len(steps) > MAX_STEPS:
        raise DiscountError(f"{text!r} has {len(steps)} steps; at most {MAX_STEPS} are allowed")
    return Discount(tuple(steps))


def format_discount(d: Discount, lang: str = "it") -> str:
    """"10+5"; it writes decimals with a comma ("10,5+2"), en with a dot; no discount is ""."""
    if lang not in ("it", "en"):
        raise ValueError(f"unsupported language {lang!r}: use 'it' or 'en'")
    texts = []
    for step in d.steps:
        text = format(step.normalize(), "f")
        texts.append(text.replace(".", ",") if lang == "it" else text)
    return "+".join(texts)


def combine_discounts(*discounts: Discount) -> Discount:
    """One cascade made of the given ones in order (customer default, then line, ...)."""
    steps: tuple[Decimal, ...] = ()
    for discount in discounts:
        steps += discount.steps
    return Discount(steps)


def effective_line_discount(*, line_discount: Discount | None, customer_default: Discount) -> Discount:
    """The discount a new line gets: the one typed on the line, else the customer's default.

    The customer's default discount pre-fills the line (as in most Italian order-entry systems);
    it is not stacked on top of a discount the agent typed, which would surprise the customer.
    """
    return customer_default if line_discount is None else line_discount


def equivalent_percent_rounded(d: Discount, places: int = 2) -> Decimal:
    """equivalent_percent rounded half-up for display and for comparing with limits."""
    return round_to(d.equivalent_percent, places)
