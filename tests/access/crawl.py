"""A small crawler over the test client: follows links and data-…-url attributes within the site."""

from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

LINK = re.compile(r'(?:href|src|action|data-[a-z-]*url)="([^"]+)"')
SITEMAP_LOC = re.compile(r"<loc>https?://[^/<]+(/[^<]*)</loc>")
NEVER = ("/admin/", "/i18n/", "/static/", "/ko/accounts/logout/", "/media/")


def crawl(client, starts, limit=600) -> dict[str, bytes]:
    """GET every reachable same-site URL once; returns url → body of each answer."""
    seen: dict[str, bytes] = {}
    queue = deque(starts)
    while queue and len(seen) < limit:
        url = urldefrag(queue.popleft())[0]
        if not url or url in seen or url.startswith(NEVER):
            continue
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = body
        if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
            queue.append(response["Location"])
        content_type = response.get("Content-Type", "")
        if "xml" in content_type:  # the sitemap: its locations are absolute addresses
            queue.extend(html.unescape(loc) for loc in SITEMAP_LOC.findall(body.decode()))
            continue
        if "html" not in content_type:
            continue
        for link in LINK.findall(body.decode(errors="replace")):
            link = html.unescape(link)
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/"):
                continue
            queue.append(link)
    return seen


def leaks(pages: dict[str, bytes], sentinels) -> list[str]:
    found = []
    for url, body in pages.items():
        text = body.decode(errors="replace")
        for sentinel in sentinels:
            if sentinel in text:
                found.append(f"{sentinel} at {url}")
    return found
