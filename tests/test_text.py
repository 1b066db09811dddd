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
