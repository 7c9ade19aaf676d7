"""Command line: python -m mailchimp_emulator --port 8765 --seed-members 1000."""

import argparse
import os
import signal
import sys

from .auth import DEFAULT_API_KEY
from .emulator import Emulator


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m mailchimp_emulator", description="Mailchimp Marketing API v3 emulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 = any free port")
    parser.add_argument("--dc", default="us6")
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        help="accepted API key (repeatable); default " + DEFAULT_API_KEY,
    )
    parser.add_argument("--seed-members", type=int, default=0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--list-name", default="Sample Audience")
    parser.add_argument("--seed-campaigns", type=int, default=0)
    parser.add_argument(
        "--no-validate-webhooks",
        action="store_false",
        dest="validate_webhooks",
        help="register webhook URLs without calling them first (Mailchimp GETs them)",
    )
    parser.add_argument(
        "--batch-pending-polls",
        type=int,
        default=0,
        help="GET /batches/{id} answers 'started' this many times before 'finished'",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=float(os.environ.get("MAILCHIMP_EMULATOR_LATENCY") or 0),
        help="seconds every API call waits before its answer, as Mailchimp's take about 0.2 s "
        "(default: $MAILCHIMP_EMULATOR_LATENCY, else 0)",
    )
    parser.add_argument(
        "--oauth-redirect-uri",
        help="register the OAuth2 app (client id 123456789012 and the default secret, see "
        "oauth.py) with this redirect URI, e.g. http://localhost:8069/mailchimp/oauth/callback",
    )
    return parser.parse_args(argv)


def make_emulator(args):
    """The (not yet started) Emulator the parsed options describe."""
    return Emulator(
        dc=args.dc,
        api_keys=tuple(args.api_keys or (DEFAULT_API_KEY,)),
        seed=args.seed,
        host=args.host,
        validate_webhooks=args.validate_webhooks,
        batch_pending_polls=args.batch_pending_polls,
        latency=args.latency,
    )


def main(argv=None):
    args = parse_args(argv)
    emu = make_emulator(args)
    emu.seed(args.list_name, members=args.seed_members, campaigns=args.seed_campaigns)
    emu.start(port=args.port)
    if args.oauth_redirect_uri:
        client_id, secret = emu.oauth.register_app(args.oauth_redirect_uri)
        print(
            f"OAuth2 app: client id {client_id}, client secret {secret}, login server "
            f"{emu.root_url} (system parameter mailchimp_connector.oauth_base_url)",
            flush=True,
        )

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    latency = f", latency {emu.latency:g} s" if emu.latency else ""
    print(
        f"Mailchimp emulator on {emu.base_url} (dc={emu.dc}, key={emu.api_key}{latency})",
        flush=True,
    )
    try:
        emu.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
