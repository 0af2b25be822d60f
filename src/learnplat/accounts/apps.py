from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "learnplat.accounts"
    label = "learnplat_accounts"
    verbose_name = "Learnplat accounts"
    default_auto_field = "django.db.models.BigAutoField"
