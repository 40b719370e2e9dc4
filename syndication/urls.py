app_name = "syndication"

urlpatterns = []
