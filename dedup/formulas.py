"""Which kind of standard wording a recurring paragraph is.

``legal_formula``: the adoption, enactment and promulgation lines of laws and
regulations (“……年……月……日……人民代表大会常务委员会第……次会议通过”,
“本条例自……起施行”, “现予公布”); ``report_formula``: everything else that recurs
(the formulas of work reports, plans and opinions). The 套话库 filters on it.
"""

from __future__ import annotations

import re

FORMULA_KINDS = ("legal_formula", "report_formula")

_LEGAL = [
    re.compile(p)
    for p in (
        r"(人民代表大会|人大)(常务委员会|常委会)?[^。；]{0,60}(通过|批准|修正|修订|公布)",
        r"(令|公告)\s*[（(]?第[一二三四五六七八九十百零〇\d]+号",
        r"自[^。；，]{0,30}起(施行|执行|实施)",
        r"(现予|予以)公布",
        r"^(第[一二三四五六七八九十百零〇\d]+条\s*)?本(条例|法|规定|办法|细则|决定)[^。；]{0,30}(施行|解释)",
        r"根据[^。；]{0,60}(关于修改|修正案)",
        r"\d{4}年\d{1,2}月\d{1,2}日[^。；]{0,40}(会议|常委会|常务委员会)[^。；]{0,20}(通过|修正|修订)",
    )
]


def formula_kind(text: str) -> str:
    """``legal_formula`` or ``report_formula`` (see the module doc)."""
    t = (text or "").strip()
    return "legal_formula" if any(p.search(t) for p in _LEGAL) else "report_formula"
