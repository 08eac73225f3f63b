"""The fake Cloud API in its own process, so a benchmark measures the sender, not a shared GIL."""
import sys
import time

from wadesk.core.messaging.sandbox import SandboxServer

if __name__ == "__main__":
    with SandboxServer(token=sys.argv[1]) as server:
        print(server.url, server.phone_number_id, flush=True)
        try:
            while sys.stdin.readline():  # until the benchmark closes our stdin
                pass
        finally:
            print(len(server.sent), flush=True)
            time.sleep(0.1)
