"""HTTP API of the reporting service: the hub's own data set (hub mode) or every hub's
reports (national mode)."""

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.reporting.entrypoints.schemas import (
    HubDatasetSchema,
    NationalDatasetSchema,
    PeriodQuerySchema,
    resolve_period,
)
from hubs.runtime.auth import Role, requires

hub_blp = Blueprint("dataset", __name__, url_prefix="/v1", description="The hub's monitoring data set")
national_blp = Blueprint("national", __name__, url_prefix="/v1/national", description="Every hub's data set")


def _uow():
    return current_app.extensions["hubs_wiring"].uow_factory()


@hub_blp.route("/dataset")
class HubDataset(MethodView):
    @hub_blp.arguments(PeriodQuerySchema, location="query")
    @hub_blp.response(200, HubDatasetSchema)
    @requires(Role.HUB_LEAD)
    def get(self, query: dict):
        """The hub's figures for a period, before suppression (they stay in the hub)."""
        period_type, period = resolve_period(query)
        with _uow() as uow:
            figures = uow.figures.figures(period_type, period)
            hub_id = uow.settings.hub_id
        return {"hub_id": hub_id, "period_type": period_type, "period": period, "figures": figures}


@national_blp.route("/dataset")
class NationalDataset(MethodView):
    @national_blp.arguments(PeriodQuerySchema, location="query")
    @national_blp.response(200, NationalDatasetSchema)
    @requires(Role.NATIONAL_ANALYST, national=True)
    def get(self, query: dict):
        """The newest report of every hub for a period, as the hubs published them."""
        period_type, period = resolve_period(query)
        with _uow() as uow:
            hubs = uow.national.for_period(period_type, period)
        return {"period_type": period_type, "period": period, "hubs": hubs}
