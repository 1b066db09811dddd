from ingest.text import clean_text, split_paragraphs, split_sentences


def test_full_width_indents_and_blank_lines():
    text = "\u3000\u3000一、总体要求\r\n\r\n\u3000\u3000坚持和发展新时代“枫桥经验”。\n   \n\u00a0二、主要任务"
    assert split_paragraphs(text) == ["一、总体要求", "坚持和发展新时代“枫桥经验”。", "二、主要任务"]


def test_spaces_between_chinese_characters_are_layout():
    assert split_paragraphs("上海市市长 龚 正") == ["上海市市长龚正"]
    assert split_paragraphs("the Fengqiao   model 经验") == ["the Fengqiao model 经验"]


def test_invisible_characters_removed():
    assert clean_text("网格\u200b员\ufeff\x07") == "网格员"


def test_sentences_keep_closing_punctuation_and_quotes():
    para = "他说：“要就地化解矛盾。”随后，各地推广了经验！效果如何？很好；继续"
    assert split_sentences(para) == [
        "他说：“要就地化解矛盾。”",
        "随后，各地推广了经验！",
        "效果如何？",
        "很好；",
        "继续",
    ]


def test_empty_and_whitespace_only():
    assert split_paragraphs("") == []
    assert split_paragraphs("\u3000\u3000\n \n\t") == []
    assert split_sentences("") == []


# -- the whole-text passes against the line-by-line definition -------------------------------
import random  # noqa: E402
import re  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ingest import text as text_module  # noqa: E402

_TRICKY = "中国治理，。、（）《》“”ab1 \t\u3000\u00a0\u2002\u2009\u202f\u2028\u2029\r\n\x85\x1c\x07\x0b\u200b\ufeff\u00ad\u2005 "


def _clean_by_definition(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return text_module._CONTROL.sub("", text.translate(text_module._ZERO_WIDTH))


def _split_by_definition(text: str) -> list[str]:
    paragraphs = []
    for line in _clean_by_definition(text).split("\n"):
        line = text_module._HSPACE.sub(" ", line).strip()
        if line:
            paragraphs.append(text_module._SPACE_BETWEEN_CJK.sub("", line))
    return paragraphs


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(_TRICKY), max_size=60) | st.text(max_size=40))
def test_split_paragraphs_is_the_line_by_line_definition(text):
    assert clean_text(text) == _clean_by_definition(text)
    assert split_paragraphs(text) == _split_by_definition(text)


def test_split_paragraphs_on_the_seed_page_and_random_layout():
    from pathlib import Path

    seeds = sorted((Path(__file__).resolve().parents[2] / "shared" / "seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds[:3]]
    rng = random.Random(16)
    page = texts[0] if texts else "坚持和发展新时代“枫桥经验”，推进网格化管理。\n" * 50
    for _ in range(200):
        cut = rng.randrange(len(page))
        noisy = re.sub(
            r"(?<=.)", lambda m: rng.choice(["", "", "", " ", "\u3000", "\n", "\u200b"]), page[cut : cut + 300]
        )
        texts.append(noisy)
    for text in texts:
        assert split_paragraphs(text) == _split_by_definition(text)
