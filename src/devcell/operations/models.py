"""MetricSample rows (schema: core/migrations/m0006_metric_samples.py)."""

from __future__ import annotations

from peewee import AutoField, FloatField, IntegerField

from devcell.core.db import BaseModel, UTCDateTimeField


class MetricSample(BaseModel):
    id = AutoField()
    at = UTCDateTimeField(index=True)
    data_free = IntegerField()
    data_total = IntegerField()
    backup_free = IntegerField()
    backup_total = IntegerField()
    db_bytes = IntegerField()
    index_bytes = IntegerField()
    requests_per_minute = FloatField()
