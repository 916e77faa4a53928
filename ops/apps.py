from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OpsConfig(AppConfig):
    name = "ops"

    def ready(self):
        from django.apps import apps

        from core.metrics import count_committed_action
        from games.signals import action_recorded
        from ops.schedules import ensure_schedules

        # Beat's schedules once its tables are migrated (ops itself has no models).
        post_migrate.connect(ensure_schedules, sender=apps.get_app_config("django_celery_beat"),
                             dispatch_uid="ops.schedules")
        action_recorded.connect(count_committed_action, dispatch_uid="core.metrics")
