from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from leaderboard.feeds import DecisionsFeed
from leaderboard.sitemaps import SITEMAPS
from leaderboard.views import ping

from .views import healthz, language_switch, robots_txt

# Machine-facing and operational URLs stay unprefixed: the API reads Accept-Language, each feed
# names its language in its file name, and the sitemap lists both languages of every page.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feeds/decisions.<str:lang>.atom", DecisionsFeed(), name="feed_decisions"),
    path("admin/", admin.site.urls),
    # A plain link switches the language (no form, so pages need no CSRF token).
    path("i18n/switch/", language_switch, name="language_switch"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("kai_site.api_urls")),
    path("ping", ping, name="ping"),
]

# Every page a person reads lives under /ko/ or /en/, so a shared link opens in the language it
# was shared in. An old unprefixed URL is redirected there by LocaleMiddleware (query kept).
urlpatterns += i18n_patterns(
    path("accounts/", include("django.contrib.auth.urls")),
    path("evaluate/", include("leaderboard.decisions.urls")),
    path("team/", include("evaluations.portal.urls")),
    path("runs/", include("evaluations.urls")),
    path("panels/", include("evaluations.panels.urls")),
    path("transparency/", include("leaderboard.audit.urls")),
    path("", include("leaderboard.urls")),
    prefix_default_language=True,
)
