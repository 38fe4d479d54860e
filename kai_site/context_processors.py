from leaderboard.models import is_evaluator, team_ids_of


def roles(request):
    """What the navigation needs to know about the signed-in user."""
    user = request.user
    evaluator = is_evaluator(user)
    return {"is_evaluator": evaluator, "can_use_runs": evaluator or bool(team_ids_of(user))}


def language_links(request):
    """The page's canonical URL and its alternates in every language (hreflang).

    The alternates keep path and query (the same view in each language); x-default is the
    unprefixed address, which opens in the reader's language (as in the sitemap); the canonical
    URL is the page without its query, so filters, sorting and tracking parameters do not make
    pages of their own. Pages outside the language prefixes (the API's pages, admin) get none."""
    from django.conf import settings
    from django.utils.translation import get_language

    from .language_urls import language_of_path, path_in_language

    full_path = request.get_full_path()
    if language_of_path(full_path) is None:
        return {"language_urls": {}, "canonical_url": "", "hreflang_alternates": []}
    urls = {code: path_in_language(full_path, code) for code, _name in settings.LANGUAGES}
    alternates = [(code, request.build_absolute_uri(url)) for code, url in urls.items()]
    unprefixed = full_path[len(language_of_path(full_path)) + 1 :]
    alternates.append(("x-default", request.build_absolute_uri(unprefixed)))
    current = get_language() if get_language() in urls else settings.LANGUAGE_CODE
    return {
        "language_urls": urls,
        "canonical_url": request.build_absolute_uri(urls[current].split("?", 1)[0]),
        "hreflang_alternates": alternates,
    }
