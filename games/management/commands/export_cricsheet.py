import json
import sys

from django.core.management.base import BaseCommand, CommandError

from games.cricsheet_export import match_to_cricsheet
from games.models import Match


class Command(BaseCommand):
    help = "Write a match as Cricsheet JSON (to stdout, or to --output)."

    def add_arguments(self, parser):
        parser.add_argument("match", type=int, help="the match id")
        parser.add_argument("--output", "-o", help="file to write; default stdout")

    def handle(self, *args, match, output=None, **options):
        try:
            data = match_to_cricsheet(match=Match.objects.get(pk=match))
        except Match.DoesNotExist as error:
            raise CommandError(f"There is no match {match}.") from error
        text = json.dumps(data, indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(f"Wrote match {match} to {output}.")
        else:
            sys.stdout.write(text + "\n")
