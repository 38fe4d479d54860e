"""Install Debian's Chromium, and a Korean font, for the browser tests when they are missing and
we may (root, apt). Without a Korean font, Chromium draws Hangul as empty boxes, and the
screenshots of the Korean pages show nothing a reader would see."""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"
KOREAN_FONT_PACKAGE = "fonts-noto-cjk"


def has_korean_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    found = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def main() -> int:
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append("chromium")
    if not has_korean_font():
        missing.append(KOREAN_FONT_PACKAGE)
    if not missing:
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(
            f"missing for the browser tests: {', '.join(missing)}; they cannot be installed here "
            f"(needs root and apt-get). Install with: apt-get install -y {' '.join(missing)}",
            file=sys.stderr,
        )
        return 0
    print(f"Installing {', '.join(missing)} for the browser tests…", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
