"""The competition: models/, selectors/ (reads), decisions/, audit/, charts/, program/, public views.
May import kai_site's support modules; never evaluations at load (views import its selectors).
"""
