import contextlib

from django.core.management.base import BaseCommand

from realtime.relay import relay_forever


class Command(BaseCommand):
    help = ("Publish to fans what a commit could not (Redis was down): every second, each "
            "recently changed match whose last version is not in Redis gets its snapshot.")

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between rounds")

    def handle(self, *args, interval, **options):
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C on make run: a quiet stop
            relay_forever(interval=interval)
