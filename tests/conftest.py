"""Suite-wide settings: Qt offscreen, and where PostgreSQL is for tests that need it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Messages in English unless a test asks for Italian (the machine's locale must not decide a test).
os.environ["SFA_LANGUAGE"] = "en"
os.environ.setdefault("SFA_FAST_KDF", "1")  # the production KDF cost is tested on its own (test_replica_keys)
