from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Đơn vị và nhân sự"
