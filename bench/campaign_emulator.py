"""Emulator of the campaign activity benchmark, started by bench/run-campaign-activity.

One audience, one template and one sent campaign whose report holds about BENCH_ROWS
activity rows (opens, clicks, bounces and unsubscribes); serves it on the given port and
writes the seeded figures as JSON on the first line of stdout.
Reads BENCH_ROWS, BENCH_KEY and BENCH_PORT from the environment.
"""

import json
import math
import os
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mailchimp_emulator import Emulator  # noqa: E402

ROWS = int(os.environ["BENCH_ROWS"])
emu = Emulator(api_keys=(os.environ["BENCH_KEY"],), seed=42)
state = emu.state
list_id = state.add_list("Bench Audience")
template_id = state.add_template("Bench template", category="bench")
campaign_id = state.add_campaign(
    list_id,
    template_id=template_id,
    title="Bench campaign",
    send_time=state.now() - timedelta(days=1),
)


def seed(recipients):
    state.seed_campaign_activity(campaign_id, recipients)
    camp = state.campaign(campaign_id)
    return len(camp["events"]) + len(camp["unsubs"])


# about 0.7 activity rows per recipient with the default rates: aim, then correct once
recipients = math.ceil(ROWS / 0.7)
rows = seed(recipients)
if rows < ROWS:
    recipients = math.ceil(recipients * ROWS / rows)
    rows = seed(recipients)
print(
    json.dumps({"campaign_id": campaign_id, "recipients": recipients, "activity_rows": rows}),
    flush=True,
)
emu.start(port=int(os.environ["BENCH_PORT"]))
emu.serve_forever()
