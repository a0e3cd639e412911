from __future__ import annotations

from rest_framework.routers import SimpleRouter

from journeys.api import DistrictViewSet

router = SimpleRouter()
router.register("districts", DistrictViewSet, basename="district")

urlpatterns = router.urls
