"""The public transparency page (/transparency/): published decisions with their audit hashes."""

app_name = "transparency"
urlpatterns: list = []
