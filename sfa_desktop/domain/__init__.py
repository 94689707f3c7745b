"""Pure sales domain: money, pricing, discounts, VAT, approvals, numbering, lifecycles."""
