from django.core.management.base import BaseCommand

from events.partitions import list_partitions, rotate


class Command(BaseCommand):
    help = ("Create event partitions for this month and the next three; archive (JSON lines, "
            "gzip) then drop months entirely older than EVENTS_RETENTION_DAYS. Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("--months-ahead", type=int, default=3)
        parser.add_argument("--retention-days", type=int, default=None)

    def handle(self, *args, months_ahead, retention_days, **options):
        done = rotate(months_ahead=months_ahead, retention_days=retention_days)
        for name in done["created"]:
            self.stdout.write(f"created {name}")
        for item in done["dropped"]:
            self.stdout.write(f"archived {item['rows']} rows of {item['partition']} to "
                              f"{item['archive']}, dropped it")
        if not done["created"] and not done["dropped"]:
            self.stdout.write("nothing to do: partitions are up to date")
        for partition in list_partitions():
            bounds = "DEFAULT" if partition.start is None else \
                f"{partition.start:%Y-%m-%d} .. {partition.end:%Y-%m-%d}"
            self.stdout.write(f"  {partition.name:32} {bounds:26} {partition.rows:>10} rows")
