"""Document type from title and content.

Stable ids (names may change, ids may not):

| id | name |
|---|---|
| research_report | 调研报告 |
| implementation_plan | 实施方案 |
| work_summary | 工作总结 |
| experience | 经验材料 |
| work_report | 工作汇报 |
| speech | 讲话 |
| official_document | 通知/意见（公文） |
| law | 法律法规 |
| gov_work_report | 政府工作报告/代表大会报告 |
| other | 其他 |

``gov_work_report`` is an addition to the list of the issue: the sample corpus
holds 92 government work reports and 15 reports to party congresses, a genre
of its own (reports adopted by a congress).

Scoring: title patterns weigh most (a title that says 调研报告 is one), then
content cues (第一条…第二条 articles → law; 各位代表 → gov work report; 特此
通知 / 主送 → official document; 现将…汇报如下 → work report; 同志们 → speech;
一是…二是 + 取得成效 → summary/experience). The best type wins when its score
reaches 1.0, else ``other``. ``score`` is the winner's share of the total,
a rough confidence in 0..1.
"""

from __future__ import annotations

import re
from itertools import islice

from nlp.textnorm import normalize

DOC_TYPES: dict[str, str] = {
    "research_report": "调研报告",
    "implementation_plan": "实施方案",
    "work_summary": "工作总结",
    "experience": "经验材料",
    "work_report": "工作汇报",
    "speech": "讲话",
    "official_document": "通知/意见（公文）",
    "law": "法律法规",
    "gov_work_report": "政府工作报告/代表大会报告",
    "other": "其他",
}

# (pattern on the title, type, weight); first matching rules all add up
_TITLE_RULES: list[tuple[re.Pattern, str, float]] = [
    (
        re.compile(
            r"政府工作报告|向大会报告政府工作|在.{0,20}人民代表大会.{0,12}上的报告|代表大会上的.{0,4}报告|\((?:[一二三四五六七八九十]{1,3}大)\)$"
        ),
        "gov_work_report",
        4.0,
    ),
    (re.compile(r"(?:人民代表大会|人大)常务?委员?会?关于.{0,120}的(?:决定|决议)$"), "law", 4.0),
    (re.compile(r"调研报告|调查报告|考察报告|研究报告|调研与思考|调研思考|的调研|调研$"), "research_report", 3.0),
    (
        re.compile(r"实施方案|工作方案|行动方案|行动计划|实施计划|推进方案|工作计划|工作要点|方案$"),
        "implementation_plan",
        3.0,
    ),
    (re.compile(r"工作总结|年终总结|半年总结|总结报告|总结$|工作小结"), "work_summary", 3.0),
    (
        re.compile(r"经验材料|典型材料|经验交流|典型经验|经验做法|事迹材料|交流材料|发言材料|先进材料|经验介绍"),
        "experience",
        3.0,
    ),
    (
        re.compile(r"工作汇报|情况汇报|汇报材料|汇报$|述职报告|自查报告|情况报告|工作情况的报告|工作报告$"),
        "work_report",
        3.0,
    ),
    (re.compile(r"讲话|致辞|发言(?!材料)|講話|动员会上|推进会上|座谈会上|会议上的"), "speech", 3.0),
    (
        re.compile(r"通知$|通报$|意见$|批复$|决定$|公告$|通告$|请示$|函$|的通知|的意见|实施意见|指导意见|若干意见"),
        "official_document",
        3.0,
    ),
    (
        re.compile(
            r"^中华人民共和国.{1,30}法$|法$|条例$|规定$|办法$|细则$|规则$|司法解释|的解释$|规范$|章程$|修正案(?:\([一二三四五六七八九十]+\))?$"
        ),
        "law",
        3.0,
    ),
    (re.compile(r"范文|合集|集合|\d+篇"), "other", 0.2),
]

#: a short line ending in a colon (an addressee: 各区人民政府：). A match starts at a line start and
#: holds a colon of that line, so it is found in the lines that hold one alone (:func:`_colon_lines`)
_COLON_LINE = re.compile(r"^[^\n]{0,30}(?:人民政府|办公厅|办公室|委员会)?[^\n]{0,10}[:：]\s*$", re.M)


def _colon_lines(text: str) -> str:
    """The lines of ``text`` that hold a colon (: or ：), in order, joined by line breaks: a text in which
    :data:`_COLON_LINE` matches as often as in ``text`` (each match lies in one such line; what follows
    its colon to the line's end is white space, which lines without a colon are or not alike)."""
    if ":" not in text and "：" not in text:
        return ""
    return "\n".join(line for line in text.split("\n") if ":" in line or "：" in line)


_CONTENT_RULES: list[tuple[re.Pattern, str, float, int]] = [
    # (pattern, type, weight per hit, max hits counted)
    (re.compile(r"(?m)^第[一二三四五六七八九十百零〇]+条"), "law", 0.6, 6),
    (re.compile(r"(?m)^第[一二三四五六七八九十]+章"), "law", 0.5, 2),
    (re.compile(r"本(?:条例|办法|规定|法)自.{0,20}施行|根据.{0,30}法.{0,20}制定本(?:条例|办法|规定)"), "law", 2.0, 1),
    (re.compile(r"各位代表|请予审议|向大会报告"), "gov_work_report", 1.5, 2),
    (re.compile(r"特此通知|现将.{0,30}印发给你们|请认真贯彻|请结合实际|抄送|主送"), "official_document", 1.5, 2),
    (_COLON_LINE, "official_document", 0.3, 1),
    (re.compile(r"现将.{0,30}(?:汇报|报告)如下|汇报如下|报告如下"), "work_report", 1.5, 1),
    (re.compile(r"同志们|大家好|我讲.{0,6}意见|讲几点意见|我就.{0,10}讲"), "speech", 1.2, 2),
    (re.compile(r"调研组|调研发现|通过调研|调研中|深入.{0,20}调研|问卷|座谈"), "research_report", 0.5, 4),
    (re.compile(r"存在的问题|存在问题|问题与不足|对策建议|几点建议|意见建议"), "research_report", 0.4, 3),
    (re.compile(r"指导思想|工作目标|主要任务|实施步骤|时间安排|保障措施|组织领导"), "implementation_plan", 0.4, 5),
    (
        re.compile(r"今年以来|一年来|取得.{0,6}成效|工作开展情况|下一步(?:工作)?(?:打算|计划)|明年工作"),
        "work_summary",
        0.4,
        4,
    ),
    (re.compile(r"主要做法|经验启示|典型经验|特色做法|创新做法|的做法"), "experience", 0.5, 3),
]


def classify(text: str, title: str = "") -> dict:
    """``{"id", "name", "score"}`` for a document."""
    title = normalize(title or "").strip()
    body = normalize(text or "")
    if not title:
        # the first short line often is the title
        for line in body.split("\n")[:3]:
            line = line.strip()
            if 4 <= len(line) <= 40:
                title = line
                break
    scores: dict[str, float] = {}
    t = re.sub(r"[\s(（【\[].*?(?:篇|合集|范文)[)）】\]]", "", title)
    t = re.sub(r"(?:范文|精选|范例|大全)+(?:\(\d+篇\))?$", "", t).strip() or title
    for pattern, dtype, weight in _TITLE_RULES:
        if pattern.search(t):
            scores[dtype] = scores.get(dtype, 0.0) + weight
    head = body[:20000]
    colon_lines = None
    for pattern, dtype, weight, cap in _CONTENT_RULES:
        scanned = head
        if pattern is _COLON_LINE:
            # its matches are lines holding a colon: scan those alone (a few of the head's characters)
            if colon_lines is None:
                colon_lines = _colon_lines(head)
            scanned = colon_lines
        # min(len(findall), cap): findall's matches, in order, up to the cap (the scan stops there)
        n = sum(1 for _ in islice(pattern.finditer(scanned), cap))
        if n:
            scores[dtype] = scores.get(dtype, 0.0) + weight * n
    scores.pop("other", None)
    if not scores:
        return {"id": "other", "name": DOC_TYPES["other"], "score": 0.0}
    best = max(scores, key=lambda k: (scores[k], -list(DOC_TYPES).index(k)))
    if scores[best] < 1.0:
        return {"id": "other", "name": DOC_TYPES["other"], "score": round(1.0 - scores[best], 4)}
    total = sum(scores.values())
    return {"id": best, "name": DOC_TYPES[best], "score": round(scores[best] / total, 4)}
