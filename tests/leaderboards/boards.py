"""Snapshots of every board row, for comparing incremental aggregation with a rebuild."""

from leaderboards.models import BattingRecord, BowlingRecord, Standing


def board_rows() -> dict:
    def rows(model):
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
        return sorted(tuple(row) for row in model.objects.values_list(*fields))

    return {model.__name__: rows(model) for model in (Standing, BattingRecord, BowlingRecord)}
