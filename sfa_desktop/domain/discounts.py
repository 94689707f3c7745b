"""Cascading discounts written the Italian way, "10+5+3": net = price × 0.90 × 0.95 × 0.97."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from sfa_desktop.domain.messages import N_, UserError, register
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


class DiscountError(UserError):
    """A discount text or value is not a valid cascade; the message says what is wrong."""


register({
    "discount.too_many_steps": N_("A discount has at most {max} steps; this one has {count}."),
    "discount.not_a_number": N_("A discount step must be a number, not {step}."),
    "discount.negative_step": N_("Discount step {step} is negative: a discount cannot raise the price."),
    "discount.step_above_100": N_("Discount step {step} is above 100%."),
    "discount.step_decimals": N_("Discount step {step} has more than {max} decimals."),
    "discount.not_text": N_("A discount must be text like '10+5'."),
    "discount.too_long": N_("The discount is too long: write the steps like '10+5+3'."),
    "discount.negative": N_("'{text}': a discount step cannot be negative; write steps like '10+5'."),
    "discount.leading_plus": N_("'{text}' starts with '+': write the first step before it, "
                                "like '10+5'."),
    "discount.trailing_plus": N_("'{text}' ends with '+': a step is missing after it."),
    "discount.empty_step": N_("'{text}': step {position} is empty (two '+' in a row); "
                              "write e.g. '10+5'."),
    "discount.space_in_step": N_("'{text}': step {position} ('{part}') has a space "
                                 "inside; separate steps with '+'."),
    "discount.step_not_number": N_("'{text}': step {position} ('{part}') is not a "
                                   "number; write percentages separated by '+', like '10+5' or '10,5+2'."),
    "discount.text_step_above_100": N_("'{text}': step {position} ({part}) is above 100%."),
    "discount.text_step_decimals": N_("'{text}': step {position} ({part}) has more than {max} "
                                      "decimals."),
    "discount.text_too_many_steps": N_("'{text}' has {count} steps; at most {max} are allowed."),
})


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
            raise DiscountError("discount.too_many_steps", max=MAX_STEPS, count=len(self.steps))
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
        raise DiscountError("discount.not_a_number", step=str(step))
    if step < 0:
        raise DiscountError("discount.negative_step", step=str(step))
    if step > _HUNDRED:
        raise DiscountError("discount.step_above_100", step=str(step))
    if step != step.quantize(Decimal(1).scaleb(-MAX_STEP_DECIMALS)):
        raise DiscountError("discount.step_decimals", step=str(step), max=MAX_STEP_DECIMALS)


def parse_discount(text: str | None) -> Discount:
    """Parse "10+5", "10 + 5", "10,5+2", "10%+5%"; "" or None is no discount.

    Each rejection says what is wrong: an empty step ("10++5", "100+", "+5"), a sign ("-3"), a
    step above 100 ("120"), something that is not a number ("abc", "1,2,3"), too many decimals.
    """
    if text is None:
        return NO_DISCOUNT
    if not isinstance(text, str):
        raise DiscountError("discount.not_text")
    cleaned = text.replace("\u00a0", " ").strip()
    if not cleaned:
        return NO_DISCOUNT
    if len(cleaned) > 80:
        raise DiscountError("discount.too_long")
    if cleaned.startswith("-") or re.search(r"\+\s*-", cleaned):
        raise DiscountError("discount.negative", text=cleaned)
    if cleaned.startswith("+"):
        raise DiscountError("discount.leading_plus", text=cleaned)
    if cleaned.endswith("+"):
        raise DiscountError("discount.trailing_plus", text=cleaned)
    parts = [part.strip() for part in cleaned.split("+")]
    steps: list[Decimal] = []
    for position, part in enumerate(parts, start=1):
        if not part:
            raise DiscountError("discount.empty_step", text=cleaned, position=position)
        if " " in part:
            raise DiscountError("discount.space_in_step", text=cleaned, position=position, part=part)
        if not _STEP.match(part):
            raise DiscountError("discount.step_not_number", text=cleaned, position=position, part=part)
        try:
            value = Decimal(part.rstrip("%").replace(",", "."))
        except InvalidOperation:  # pragma: no cover - _STEP lets only numbers through
            raise DiscountError("discount.step_not_number", text=cleaned, position=position, part=part) from None
        if value > _HUNDRED:
            raise DiscountError("discount.text_step_above_100", text=cleaned, position=position, part=part)
        if value != value.quantize(Decimal(1).scaleb(-MAX_STEP_DECIMALS)):
            raise DiscountError("discount.text_step_decimals", text=cleaned, position=position, part=part,
                                max=MAX_STEP_DECIMALS)
        steps.append(value)
    if len(steps) > MAX_STEPS:
        raise DiscountError("discount.text_too_many_steps", text=cleaned, count=len(steps), max=MAX_STEPS)
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
