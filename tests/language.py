"""Page URLs in a chosen language: every page lives under /ko/ or /en/."""

from kai_site.language_urls import language_of_path, path_in_language

UNPREFIXED = ("/api/", "/feeds/", "/sitemap", "/robots", "/admin/", "/static/", "/healthz", "/ping")


def in_language(url: str, lang: str) -> str:
    """A page's `url` under the /<lang>/ prefix, whether it had another prefix or none; the
    API, feeds, sitemap and other unprefixed addresses as they are."""
    if url.startswith(UNPREFIXED):
        return url
    if language_of_path(url) is not None:
        return path_in_language(url, lang)
    return f"/{lang}{url}"
