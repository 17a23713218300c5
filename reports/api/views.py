"""Read endpoints for reference data and reports. Every report query goes through access.py."""

from __future__ import annotations

from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from countries.models import Country
from reports.api import more_serializers as ms
from reports.api import more_views
from reports.api import serializers as s
from reports.api.errors import ErrorSerializer
from reports.api.pagination import OneQueryPages
from reports.api.parsers import SafeJSONParser
from reports.api.report_list import ReportRows
from reports.models import NationalReport, Question, QuestionnaireVersion, ReportingCycle

ERRORS = {401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer}
LIST_ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    404: ErrorSerializer,
    429: ErrorSerializer,
}


@extend_schema_view(
    get=extend_schema(summary="States", responses={200: s.CountrySerializer, **LIST_ERRORS})
)
class CountryList(generics.ListAPIView):
    serializer_class = s.CountrySerializer
    queryset = Country.objects.with_groupings().order_by("sort_key")


@extend_schema_view(
    get=extend_schema(summary="One State", responses={200: s.CountrySerializer, **ERRORS})
)
class CountryDetail(generics.RetrieveAPIView):
    serializer_class = s.CountrySerializer
    queryset = Country.objects.with_groupings()

    def get_object(self):
        return get_object_or_404(self.get_queryset(), iso3=self.kwargs["iso3"].upper())


@extend_schema_view(
    get=extend_schema(summary="Reporting cycles", responses={200: s.CycleSerializer, **LIST_ERRORS})
)
class CycleList(generics.ListAPIView):
    serializer_class = s.CycleSerializer
    queryset = ReportingCycle.objects.select_related("questionnaire").order_by("-year")


@extend_schema_view(
    get=extend_schema(summary="One reporting cycle", responses={200: s.CycleSerializer, **ERRORS})
)
class CycleDetail(generics.RetrieveAPIView):
    serializer_class = s.CycleSerializer
    queryset = ReportingCycle.objects.select_related("questionnaire")
    lookup_field = "year"


@extend_schema_view(
    get=extend_schema(
        summary="Questionnaire versions", responses={200: s.QuestionnaireSerializer, **LIST_ERRORS}
    )
)
class QuestionnaireList(generics.ListAPIView):
    serializer_class = s.QuestionnaireSerializer
    queryset = QuestionnaireVersion.objects.order_by("-created_at")


@extend_schema_view(
    get=extend_schema(
        summary="A questionnaire version with its sections and questions",
        responses={200: s.QuestionnaireDetailSerializer, **ERRORS},
    )
)
class QuestionnaireDetail(generics.RetrieveAPIView):
    serializer_class = s.QuestionnaireDetailSerializer
    lookup_field = "code"

    def get_queryset(self):
        questions = Question.objects.select_related("section", "show_if_question").order_by(
            "position"
        )
        return QuestionnaireVersion.objects.prefetch_related(
            "sections", Prefetch("questions", queryset=questions)
        )


REPORT_FILTERS = [
    OpenApiParameter("cycle", int, description="The cycle's year, e.g. 2026"),
    OpenApiParameter("country", str, description="ISO 3166 alpha-3 code, e.g. GHA"),
    OpenApiParameter(
        "region", str, description="Report region: africa, americas, asia_pacific, europe"
    ),
    OpenApiParameter("status", str, enum=NationalReport.Status.values),
]


def visible_reports(request):
    # Only the columns a report's row shows: its revisions carry every answer as JSON, and
    # reading (and decoding) them would cost more than everything else.
    return (
        NationalReport.objects.for_user(request.user)
        .select_related("country__report_region", "cycle")
        .annotate(current_revision_number=F("current_revision__number"))
        .only(
            "id",
            "status",
            "language",
            "submitted_at",
            "created_at",
            "updated_at",
            "country__iso3",
            "country__un_name",
            "country__report_region__code",
            "cycle__year",
        )
        .order_by("-cycle__year", "country__sort_key")
    )


def report_filters(params) -> dict:
    """The list's filters from the query string; 400 for a value that cannot match."""
    filters: dict = {}
    cycle = params.get("cycle")
    if cycle:
        if not (cycle.isascii() and cycle.isdigit() and len(cycle) <= 4):
            raise ValidationError({"cycle": [_("A year, e.g. 2026.")]})
        filters["cycle"] = int(cycle)
    if params.get("country"):
        filters["country"] = params["country"].upper()[:3]
    if params.get("region"):
        filters["region"] = params["region"][:40]
    status = params.get("status")
    if status:
        if status not in NationalReport.Status.values:
            raise ValidationError(
                {
                    "status": [
                        _("One of: %(values)s.")
                        % {"values": ", ".join(NationalReport.Status.values)}
                    ]
                }
            )
        filters["status"] = status
    return filters


@extend_schema_view(
    get=extend_schema(
        summary="National reports you may see",
        parameters=REPORT_FILTERS,
        responses={200: s.ReportSerializer, **LIST_ERRORS},
    ),
    post=extend_schema(
        summary="Start the State's report for a cycle",
        description=more_views.CREATE_DESCRIPTION,
        request=ms.ReportCreateSerializer,
        responses={
            201: OpenApiResponse(s.ReportSerializer, "The new report (Location: its URL)"),
            200: OpenApiResponse(s.ReportSerializer, "The State's report for the cycle existed"),
            **{code: ErrorSerializer for code in (400, 401, 403, 404, 413, 415, 429)},
        },
    ),
)
class ReportList(generics.ListAPIView):
    serializer_class = s.ReportSerializer
    parser_classes = [SafeJSONParser]
    pagination_class = OneQueryPages

    def post(self, request, *args, **kwargs):
        return more_views.create_report(request)

    def list(self, request, *args, **kwargs):
        # The hot path of programs that poll the list: one query of plain SQL for the page and
        # the total, visibility as access.py decides it (report_list), and rows written
        # directly, exactly as ReportSerializer writes them (both tested).
        rows = ReportRows(request.user, **report_filters(request.query_params))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([rows.item(row) for row in page])


@extend_schema_view(
    get=extend_schema(summary="One national report", responses={200: s.ReportSerializer, **ERRORS})
)
class ReportDetail(generics.RetrieveAPIView):
    serializer_class = s.ReportSerializer

    def get_queryset(self):
        return visible_reports(self.request)
