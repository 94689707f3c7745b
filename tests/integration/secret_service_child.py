"""Run inside a D-Bus session with gnome-keyring (tests/integration/test_secret_service.py).

argv: db path, "create" | "open-with-keyring" | "open-with-password". Prints one line of facts."""

from __future__ import annotations

import sys
from pathlib import Path

import keyring

from sfa_desktop.local_db import keys


def main() -> None:
    db, step = Path(sys.argv[1]), sys.argv[2]
    store = keys.KeyStore()
    backend = type(keyring.get_keyring())
    if step == "create":
        key = keys.create_key(db, "correct horse battery", store=store)
        print(f"backend={backend.__module__}.{backend.__name__} secure={store.secure} key={key.hex()}")
    elif step == "open-with-keyring":
        print(f"secure={store.secure} key={keys.load_key(db, None, store=store).hex()}")
    else:
        print(f"secure={store.secure} key={keys.load_key(db, 'correct horse battery', store=store).hex()}")


if __name__ == "__main__":
    main()
