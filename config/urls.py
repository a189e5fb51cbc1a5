from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from agencies import views as agency_views
from config import views
from documents import verification

urlpatterns = [
    path("", views.home, name="home"),
    path("akun/", include("agencies.urls")),
    path("kasus/", include("cases.urls")),
    path("kasus/<int:pk>/sop/", include("sops.urls")),
    path("kasus/<int:pk>/rencana/", include("plans.urls")),
    path("rapat/", include("meetings.urls")),
    path("triase/", include("triage.urls")),
    path("notifikasi/", include("common.urls")),
    path("i18n/setlang/", agency_views.set_language, name="set_language"),
    path("lembaga/plt/", agency_views.acting_heads, name="acting-heads"),
    path("lembaga/plt/<int:acting>/akhiri/", agency_views.acting_head_end, name="acting-head-end"),
    path("healthz", agency_views.healthz, name="healthz"),
    path("verifikasi/", verification.verify, name="verify"),
    path("api/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

if getattr(settings, "BENCH_FLOOR", False):  # config/settings/bench.py only (make bench)
    from config.floor import floor

    urlpatterns.append(path("_bench/floor/", floor, name="bench-floor"))

handler400 = "common.error_views.bad_request"
handler403 = "common.error_views.permission_denied"
handler404 = "agencies.views.not_found"
