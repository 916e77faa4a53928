from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ScorekeeperConfig(AppConfig):
    name = "scorekeeper"

    def ready(self):
        from scorekeeper.schedules import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="scorekeeper.schedules")

        from games.signals import action_recorded
        from scorekeeper.metrics import count_committed_action

        action_recorded.connect(count_committed_action, dispatch_uid="scorekeeper.metrics")
