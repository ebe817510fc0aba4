"""What an audit event's action code means, in Chinese, for the secretariat's page. The codes
stay in English in the database (stable, greppable); the page shows these words beside them.

Apps above `audit` add their own words at start-up (`register`), e.g. the workflow's steps."""

from django.apps import apps

# The thing an action is about (the code's first part)…
THINGS = {
    "account": "账户",
    "assignment": "评审分配",
    "attachment": "附件",
    "campaign": "评选活动",
    "decision": "评审决定",
    "endorsement": "推荐",
    "formal_check": "形式审查",
    "honour": "荣誉",
    "login": "登录",
    "mystery_visit": "暗访",
    "nomination": "申报",
    "notice": "公示",
    "objection": "异议",
    "panel": "评审组",
    "privacy": "个人信息",
    "results": "评选结果",
    "review": "评审意见",
    "rubric": "评分标准",
    "twofactor": "两步验证",
}
# …and what was done (the second part).
DEEDS = {
    "add": "添加",
    "admin_add": "在管理后台添加",
    "admin_change": "在管理后台修改",
    "admin_delete": "在管理后台删除",
    "admin_set_password": "在管理后台设置密码",
    "copy": "复制",
    "create": "创建",
    "decide": "处理",
    "declare_conflict": "申明回避",
    "disable": "关闭",
    "disable_failed": "关闭失败",
    "enable": "开启",
    "enable_failed": "开启失败",
    "erase": "删除个人信息",
    "failure": "失败",
    "file": "提交",
    "file_record": "提交存档",
    "install": "装入",
    "load": "装入",
    "lockout": "锁定",
    "lodge": "提出",
    "logout": "退出",
    "move": "调整排序",
    "open": "开始",
    "password_changed": "修改密码",
    "password_ok": "密码正确，待验证码",
    "publish": "发布",
    "record": "记录",
    "release": "撤销",
    "remove": "删除",
    "reopen": "退回重评",
    "replace": "替换",
    "save": "保存",
    "save_draft": "保存草稿",
    "second_factor": "验证码正确",
    "set": "设置",
    "start": "开始填写",
    "submit": "提交",
    "success": "成功",
}
_REGISTERED: dict[str, str] = {}


def register(labels: dict[str, str]) -> None:
    """Words for whole action codes, e.g. {"nomination.endorse": "申报：推荐"}."""
    _REGISTERED.update(labels)


def action_label(code: str) -> str:
    """The Chinese words for an action code; the code itself when it has none."""
    if code in _REGISTERED:
        return _REGISTERED[code]
    thing, _, deed = code.partition(".")
    if deed in DEEDS:
        if thing in THINGS:
            return f"{THINGS[thing]}：{DEEDS[deed]}"
        # "<model>.admin_<verb>" for a model without a word above: the model's own name.
        model = next((m for m in apps.get_models() if m._meta.model_name == thing), None)
        if model is not None:
            return f"{model._meta.verbose_name}：{DEEDS[deed]}"
    return code


def type_label(object_type: str) -> str:
    """A model label ("nominations.nomination") as its Chinese verbose name."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
