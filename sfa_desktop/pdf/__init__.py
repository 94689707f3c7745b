"""Quote and order PDF documents (reportlab)."""
