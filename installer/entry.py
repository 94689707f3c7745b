"""What the bundled executable runs: the `sfa-desktop` command (installer/sfa-desktop.spec)."""

from sfa_desktop.app import main

raise SystemExit(main())
