"""Run one campaign's sender in its own process (the crash test kills it with SIGKILL)."""
import sys

from wadesk.core.campaigns.lease import CampaignBusy
from wadesk.core.campaigns.sender import CampaignSender
from wadesk.core.db import open_database
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.paths import DataDir


def main(data_dir: str, url: str, token: str, phone_number_id: str, campaign_id: int) -> None:
    db = open_database(url=data_dir) if "://" in data_dir else open_database(DataDir(data_dir))
    client = CloudClient(access_token=token, phone_number_id=phone_number_id, base_url=url, max_retries=0,
                         timeout=(2.0, 5.0))
    sender = CampaignSender(db, client, campaign_id, rate=150, workers=16)
    print("ready", flush=True)
    try:
        print(sender.run().state, flush=True)
    except CampaignBusy:
        print("busy", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
