"""Draw the paragraphs of the sixth held-out label set (``tests/data/theme_labels_heldout6.jsonl``).

    .venv/bin/python -m nlp.draw_heldout6 OUT.jsonl [--seed 1606]

As :mod:`nlp.draw_heldout5`, one file later, on the shared procedure
(:func:`nlp.heldout_draw.draw_set`): only documents that none of the six earlier
label files uses (``theme_labels.jsonl`` and the five held-out files) are drawn
from, nor another version of one of them; a paragraph that is a verbatim copy of
a paragraph of a used document or of the 范文 seed page is skipped.

The word searches are the fifth set's (``nlp.draw_heldout5.DRAWS`` and
``DRAWS_B``: every theme and the guide's hard negatives), renamed ``h6_*`` /
``h6b_*`` and with the counts below, weighted towards public security, special
groups, support and guarantee, public services, social participation and rule of
law; plus random law paragraphs; then a third round ``h6c_*`` of wider queries for
public services, special groups, public security and support (the fifth set's words
are nearly used up in the unused documents). No tagger, model or rule matcher is run: the
candidates (with their text) go to OUT for the annotator, who labels each one by
``docs/labelling-guide.md``.
"""

from __future__ import annotations


from nlp import draw_heldout5 as h5
from nlp.heldout_draw import Draw, command
from nlp.labels import HELDOUT2_FILE, HELDOUT3_FILE, HELDOUT4_FILE, HELDOUT5_FILE, HELDOUT_FILE, LABELS_FILE

#: the earlier label files: their documents are not drawn from
USED_FILES = (LABELS_FILE, HELDOUT_FILE, HELDOUT2_FILE, HELDOUT3_FILE, HELDOUT4_FILE, HELDOUT5_FILE)

#: how many paragraphs each of the fifth set's searches draws here (by its h5 name); 0 drops it
COUNTS = {
    "h5_special_groups": 32,
    "h5_support_guarantee": 28,
    "h5_support_words": 10,
    "h5_trap_budget": 12,
    "h5_public_security": 32,
    "h5_trap_penalty": 12,
    "h5_trap_criminal": 6,
    "h5_social_participation": 26,
    "h5_public_services": 18,
    "h5_three_governance": 10,
    "h5_dispute_resolution": 14,
    "h5_smart_governance": 14,
    "h5_rule_of_law": 14,
    "h5_risk_prevention": 20,
    "h5_party_building": 4,
    "h5_grid_management": 4,
    "h5_psychological_services": 4,
    "h5_fengqiao": 4,
    "h5_trap_other": 12,
    "h5b_special_groups": 10,
    "h5b_public_security": 10,
    "h5b_support_guarantee": 8,
    "h5b_public_services": 6,
    "h5b_rule_of_law": 8,
    "h5b_three_governance": 4,
}
RANDOM_LAW = 60


def _renamed(draws: tuple[Draw, ...]) -> tuple[Draw, ...]:
    """The fifth set's searches under ``h6`` names with this set's counts."""
    return tuple(
        (name.replace("h5", "h6", 1), pattern, COUNTS[name], exclude)
        for name, pattern, _, exclude in draws
        if COUNTS.get(name)
    )


DRAWS = _renamed(h5.DRAWS)
DRAWS_B = _renamed(h5.DRAWS_B)
#: third round, after the first two gave no public-services positive and few for special groups, security and
#: support (those words are nearly used up in the unused documents): wider word queries for the four
DRAWS_C: tuple[Draw, ...] = (
    (
        "h6c_public_services",
        r"办事|服务窗口|便民|政务服务|一次办|网上办理|在线办理|服务中心|一站式|就近",
        14,
        r"举报|投诉",
    ),
    (
        "h6c_special_groups",
        r"老年|儿童|妇女|孤寡|救助|福利|困难群众|盲人|聋|残疾人|未成年人|社区矫正|精神病",
        14,
        r"赔偿|罪|优惠|免费|减免|养老保险",
    ),
    (
        "h6c_public_security",
        r"治安|巡逻|安保|保安|警戒|违法犯罪活动|群防|平安|恐怖|禁毒|邪教|稳定",
        12,
        r"罪|处罚|罚款|金融|市场",
    ),
    (
        "h6c_support_guarantee",
        r"(?=.*(?:经费|考核|责任制|协调机制|联席会议|领导|队伍|培训))"
        r"(?=.*(?:安全|应急|消防|救援|调解|信访|治安|救助|残疾|老年|儿童|志愿|法治|普法))",
        10,
        r"罚款|处分|企业",
    ),
)


def main(argv: list[str] | None = None) -> int:
    randoms = (("h6_random", {"law"}, RANDOM_LAW),)
    return command(argv, "python -m nlp.draw_heldout6", 1606, USED_FILES, DRAWS, randoms, later=(DRAWS_B, DRAWS_C))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
