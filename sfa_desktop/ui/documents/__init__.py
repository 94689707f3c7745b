"""The quote and order screens' parts: lists, the editor, its lines, the PDF preview, the signature pad."""
