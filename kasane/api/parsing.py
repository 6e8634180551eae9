"""Request parsing and pagination limits: hostile input is a 400, never a 500."""

from rest_framework.exceptions import ParseError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSONの入れ子が深すぎます。") from None


class BoundedPagination(LimitOffsetPagination):
    max_limit = 200
