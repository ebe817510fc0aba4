"""Reading the self-assessment sheets (附件1-1/1-2/1-3) of a filled .docx, alone (kind
`self_assessment_<kind>`) or after their form in one file (the bundle manyi prints): the score
written beside each criterion, keyed by the criterion's name without white space, and the
written total (自评总分, 自评得分), which must be the sum of the scores."""

import re
import unicodedata

from docx.table import Table

from manyi.documents.docxreading import (
    COLONS,
    Reading,
    grid_rows,
    label_pattern,
    squeeze,
    text_of,
    unique_cells,
)

SELF_ASSESSMENT_PREFIX = "self_assessment_"
# The titles the seed prints (the rubric data's `title`), by the kind of the form they go with.
SELF_ASSESSMENT_TITLES = {
    "individual": "用户满意服务先进个人自评标准",
    "team": "用户满意服务先进班组自评标准",
    "manager": "用户满意服务杰出管理者自评标准",
}
SELF_ASSESSMENT_KINDS = frozenset(f"{SELF_ASSESSMENT_PREFIX}{k}" for k in SELF_ASSESSMENT_TITLES)
# The line above the table: its labels (layout.SELF_ASSESSMENT_HEADER) and the total's label.
SELF_ASSESSMENT_LABELS = {
    "individual": ("姓名", "单位", "岗位", "自评总分"),
    "team": ("班组名称", "单位", "自评总分"),
    "manager": ("姓名", "单位", "岗位", "自评得分"),
}
CRITERION_RE = re.compile(r"(.+?)[（(](\d+)分[)）]")
SCORE_RE = re.compile(r"(\d+)分?")
SCORE_HEADINGS = frozenset({"评分", "自评分", "自评得分", "得分"})
BLANKS = re.compile(r"[_＿\s]+")


def find_self_assessment(document) -> str | None:
    """The kind (individual, team, manager) whose 附件1-x title the document prints."""
    for paragraph in document.paragraphs:
        key = squeeze(paragraph.text)
        for kind, title in SELF_ASSESSMENT_TITLES.items():
            if key == title or (title in key and len(key) <= len(title) + 12):
                return kind
    return None


def _number(text: str) -> int | None:
    """A score as written: ９, 9, 9分, ' 9 '; None when it is not a whole number."""
    match = SCORE_RE.fullmatch(squeeze(unicodedata.normalize("NFKC", text)))
    return int(match.group(1)) if match else None


def _sheet_table(document) -> Table | None:
    for table in document.tables:
        head = [squeeze(text_of(c)) for c in unique_cells(table)[:6]]
        if "评审细项" in head and SCORE_HEADINGS & set(head):
            return table
    return None


def _header_values(document, kind: str) -> dict[str, str]:
    """The values of the line above the table (姓名 王小满 单位 … 自评总分 95), each up to the
    next label; blanks (＿＿) are empty."""
    labels = SELF_ASSESSMENT_LABELS[kind]
    title = SELF_ASSESSMENT_TITLES[kind]
    texts = [p.text for p in document.paragraphs]
    start = next((i for i, t in enumerate(texts) if title in squeeze(t)), 0)
    text = "\n".join(texts[start + 1 : start + 6])
    pattern = "|".join(f"(?P<f{n}>{label_pattern(label)})" for n, label in enumerate(labels))
    matches = list(re.finditer(pattern, text))
    values = {}
    for n, match in enumerate(matches):
        label = labels[int(match.lastgroup[1:])]  # type: ignore[index]
        stop = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        value = text[match.end() : stop].strip().lstrip(COLONS)
        values.setdefault(label, BLANKS.sub(" ", value).strip())
    return values


def read_self_assessment(document, kind: str, reading: Reading, *, alone: bool) -> None:
    """The sheet's scores and written total into `reading` (fields and problems). A sheet with
    nothing written is a problem alone, and nothing to read after a form."""
    table = _sheet_table(document)
    header = _header_values(document, kind)
    total_label = SELF_ASSESSMENT_LABELS[kind][-1]
    if table is None:
        reading.problems.append("自评表中没有找到评分表格（评审细项、评分）。")
        return
    rows = grid_rows(table)
    head = [squeeze(text_of(c)) for c in rows[0]]
    criterion_col = head.index("评审细项")
    score_col = next(i for i, text in enumerate(head) if text in SCORE_HEADINGS)
    scores: dict[str, int] = {}
    problems: list[str] = []
    seen: dict[int, object] = {}  # id → element, kept alive so that no id is reused
    for cells in rows[1:]:
        if len(cells) <= max(criterion_col, score_col):
            continue
        criterion = cells[criterion_col]
        if id(criterion._tc) in seen:
            continue
        seen[id(criterion._tc)] = criterion._tc
        match = CRITERION_RE.fullmatch(squeeze(text_of(criterion)))
        if match is None:
            continue
        name, maximum = match.group(1), int(match.group(2))
        written = squeeze(text_of(cells[score_col]))
        if not written:
            problems.append(f"{name}：未填写评分。")
            continue
        points = _number(written)
        if points is None:
            problems.append(f"{name}：评分“{written}”不是整数。")
        elif points > maximum:
            problems.append(f"{name}：评分{points}分超过该项满分{maximum}分。")
        else:
            scores[name] = points
    written_total = header.get(total_label, "")
    if not alone and not scores and not written_total:
        return  # the form's sheet left blank: nothing to read
    if not scores and not problems:
        problems.append("自评表中没有找到评审细项。")
    total = _number(written_total) if written_total else None
    if not written_total:
        problems.append(f"未填写{total_label}。")
    elif total is None:
        problems.append(f"{total_label}“{written_total}”不是整数。")
    elif not problems and total != sum(scores.values()):
        problems.append(
            f"{total_label}写的是{total}分，各细项评分合计{sum(scores.values())}分，两者不符。"
        )
    if alone:
        for label in SELF_ASSESSMENT_LABELS[kind][:-1]:
            if header.get(label):
                reading.fields[label] = header[label]
    reading.scores = scores
    reading.fields.update(scores)
    if total is not None:
        reading.fields[total_label] = total
    reading.problems += problems
