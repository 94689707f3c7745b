"""Runs the headless sync in a child process and SIGKILLs it at a chosen point (test helper).

usage: python -m tests.integration.kill_client POINT -- <sfa-desktop sync arguments>
POINT: none | apply (while applying the 3rd pulled page, before its commit) |
       answer (after the server answered a push, before the answer is committed locally)
"""

from __future__ import annotations

import argparse
import os
import signal
import sys


def main() -> int:
    point = sys.argv[1]
    argv = sys.argv[sys.argv.index("--") + 1:]
    from sfa_desktop.commands import sync as cli
    from sfa_desktop.sync import answers, apply, bulk_load, engine

    if point == "apply":
        pages = 0

        def dying(real):  # type: ignore[no-untyped-def]
            def apply_then_die(conn, page):  # type: ignore[no-untyped-def]
                nonlocal pages
                pages += 1
                out = real(conn, page)
                if pages == 3:  # the third page is written but not committed
                    os.kill(os.getpid(), signal.SIGKILL)
                return out
            return apply_then_die

        engine.apply.apply_page = dying(apply.apply_page)  # type: ignore[attr-defined]
        engine.bulk_load.write_bulk_page = dying(bulk_load.write_bulk_page)  # type: ignore[attr-defined]
    elif point == "answer":
        real_record = answers.record_result

        def record_then_die(session, command, result):  # type: ignore[no-untyped-def]
            real_record(session, command, result)
            session.flush()
            os.kill(os.getpid(), signal.SIGKILL)

        answers.record_result = record_then_die  # type: ignore[assignment]
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return cli.run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
