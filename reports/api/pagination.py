from rest_framework.pagination import PageNumberPagination

from reports.api.report_list import OneQueryPaginator


class Pages(PageNumberPagination):
    """?page=2&page_size=100 (at most 200); the response says the count and links both ways."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class OneQueryPages(Pages):
    """The same pages over report_list.ReportRows: the page and its count in one query."""

    django_paginator_class = OneQueryPaginator
