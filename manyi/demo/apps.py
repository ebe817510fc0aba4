from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "manyi.demo"
    verbose_name = "演示数据"
