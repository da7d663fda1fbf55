from django.apps import AppConfig


class KoukaWebConfig(AppConfig):
    name = "kouka.web"
    label = "kouka"
    verbose_name = "効果検証（kouka）"
    default_auto_field = "django.db.models.BigAutoField"
