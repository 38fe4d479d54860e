"""Install Debian's Chromium for the browser tests when it is missing and we may (root, apt)."""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(
            f"{CHROMIUM} is missing and cannot be installed here (needs root and apt-get): "
            "the browser tests will be skipped. Install it with: apt-get install -y chromium",
            file=sys.stderr,
        )
        return 0
    print("Installing Debian's chromium for the browser tests…", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
