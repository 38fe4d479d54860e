from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from leaderboard.feeds import DecisionsFeed
from leaderboard.sitemaps import SITEMAPS

from .views import healthz, language_switch, robots_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feeds/decisions.<str:lang>.atom", DecisionsFeed(), name="feed_decisions"),
    path("admin/", admin.site.urls),
    # A plain link switches the language (no form, so pages need no CSRF token).
    path("i18n/switch/", language_switch, name="language_switch"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("kai_site.api_urls")),
    path("evaluate/", include("leaderboard.decisions.urls")),
    path("team/", include("evaluations.portal.urls")),
    path("runs/", include("evaluations.urls")),
    path("panels/", include("evaluations.panels.urls")),
    path("transparency/", include("leaderboard.audit.urls")),
    path("", include("leaderboard.urls")),
]
