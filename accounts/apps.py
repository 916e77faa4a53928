from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-up, login, e-mail confirmation, API tokens and sessions. Its models keep the label
    they were created under ("scorekeeper"), so moving the code here migrated no data."""

    name = "accounts"
    label = "scorekeeper"
    verbose_name = "Accounts"
