"""Start the workshop server: ``python run.py [--host H] [--port P] [--demo]``.

Monkey-patching for eventlet or gevent happens here, first, and nowhere in the package.
"""

from __future__ import annotations

import argparse
import os
import sys


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Serve the workshop app.")
    parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument(
        "--async-mode",
        choices=("eventlet", "gevent", "threading"),
        default=os.environ.get("ASYNC_MODE") or "eventlet",
        help="concurrency model (default: ASYNC_MODE or eventlet)",
    )
    parser.add_argument("--demo", action="store_true", help="create a demo workshop")
    return parser.parse_args(argv)


def patch_for(mode: str) -> None:
    """Make the standard library (and the PostgreSQL driver) cooperative for ``mode``."""
    if mode == "eventlet":
        import warnings

        with warnings.catch_warnings():
            # eventlet announces its maintenance mode on import; the choice is documented.
            warnings.simplefilter("ignore")
            import eventlet
        # psycopg=True (the default) installs eventlet's wait callback into psycopg2.
        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
        from psycogreen.gevent import patch_psycopg

        patch_psycopg()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    patch_for(args.async_mode)

    from workshop.cli import serve

    return serve(host=args.host, port=args.port, async_mode=args.async_mode, demo=args.demo)


if __name__ == "__main__":
    sys.exit(main())
