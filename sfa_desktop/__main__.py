"""`python -m sfa_desktop`: the same as the `sfa-desktop` command."""

from sfa_desktop.app import main

raise SystemExit(main())
