"""sfa-desktop: offline-first sales-force automation for field agents."""
