"""The agent's figures: small charts drawn with QPainter, the dashboard's cards and tables."""
