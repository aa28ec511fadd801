"""Pages of accident, death and fire-loss claims (under claims/)."""

urlpatterns: list = []
