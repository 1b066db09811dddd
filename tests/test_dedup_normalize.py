"""Normalization for matching, MinHash and winnowing: unit properties."""

from __future__ import annotations

import random

import numpy as np
import pytest

from dedup import minhash, winnow
from dedup.fingerprint import fingerprint_fields, fingerprint_paragraphs, scheme_params
from dedup.normalize import MASK, NORMALIZATION_VERSION, normalize, normalize_many, normalize_text


def test_version_recorded():
    assert NORMALIZATION_VERSION
    assert scheme_params()["normalization"] == NORMALIZATION_VERSION


@pytest.mark.parametrize(
    "a,b",
    [
        ("晋城市人民政府加强基层治理", "xx市人民政府加强基层治理"),
        ("晋城市人民政府加强基层治理", "**市人民政府加强基层治理"),
        ("××县人民政府加强基层治理", "阳城县人民政府加强基层治理"),
        ("某某街道推进网格化管理", "XX街道推进网格化管理"),
        ("□□县人民政府办公室", "晋城县人民政府办公室".replace("晋城县", "xx县")),
        ("□□市人民政府办公室", "太原市人民政府办公室"),
        ("2023年建成200个调解室", "20xx年建成1,500个调解室"),
        ("第三条　本条例自公布之日起施行。", "第十五条 本条例自公布之日起施行"),
        ("國家發展和改革委員會關於進一步規範基層治理", "国家发展和改革委员会关于进一步规范基层治理"),
        ("加强组织领导，压实工作责任。", "加强组织领导 压实工作责任!"),
        ("ＡＢＣ１２３全角", "abc456全角"),
    ],
)
def test_variants_normalize_equal(a, b):
    assert normalize_text(a) == normalize_text(b)


def test_masks_and_deletions():
    n = normalize("晋城市2023年，“枫桥经验”。")
    assert n.text == f"{MASK}{MASK}年枫桥经验".replace(MASK + MASK, MASK)
    assert "，" not in n.text and "“" not in n.text
    # stock words are not masked
    assert normalize_text("推进市域社会治理现代化") == "推进市域社会治理现代化"
    assert normalize_text("城市管理") == "城市管理"


def test_offsets_map_back_to_original():
    text = "　　晋城市人民政府（2023年）印發《關於加強xx縣基層治理的通知》，要求①……"
    n = normalize(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    assert np.all(np.diff(n.starts) > 0)
    for i, ch in enumerate(n.text):
        piece = text[n.starts[i] : n.ends[i]]
        assert piece, i
        if ch != MASK:
            assert normalize_text(piece) == ch
    a, b = n.span(0, len(n.text))
    assert text[a:b].startswith("晋城市") and text[a:b].endswith("①")
    # the masked place covers its whole original run
    assert text[n.starts[0] : n.ends[0]] == "晋城市"


def test_normalize_many_matches_single():
    rng = random.Random(3)
    base = ["晋城市加强组织领导，", "2023年第三条", "國家", "", "……", "xx县某某镇推进網格化管理12项", "ＸＸ市"]
    paras = ["".join(rng.choice(base) for _ in range(rng.randint(0, 5))) for _ in range(200)]
    assert normalize_many(paras) == [normalize_text(p) for p in paras]


def test_minhash_batch_equals_single_and_estimates_jaccard():
    rng = random.Random(1)
    alphabet = "加强组织领导推进市域社会治理现代化网格调解基层群众"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(50)]
    sigs = minhash.signatures(texts)
    for i in range(0, 50, 7):
        assert np.array_equal(minhash.signatures([texts[i]])[0], sigs[i])
    a = "".join(rng.choice(alphabet) for _ in range(300))
    b = a[:150] + "完全不同的一段插入内容" + a[150:]
    sa, sb = minhash.shingle_set(a), minhash.shingle_set(b)
    real = minhash.similarity(sa, sb)[0]
    s = minhash.signatures([a, b])
    assert abs(minhash.estimate_jaccard(s[0], s[1]) - real) < 0.2
    assert minhash.band_keys(s).shape == (2, minhash.BANDS)


def test_near_duplicate_verification():
    a = "各乡镇要建立健全矛盾纠纷排查调处机制，做到小事不出村、大事不出镇、矛盾不上交，切实把矛盾纠纷化解在基层。"
    b = a.replace("切实", "进一步切实")
    c = "各乡镇要加强组织领导，推进市域社会治理现代化，确保各项任务落到实处，取得实效。"
    sa, sb, sc = (minhash.shingle_set(normalize_text(x)) for x in (a, b, c))
    assert minhash.is_near_duplicate(sa, sb)[0]
    assert not minhash.is_near_duplicate(sa, sc)[0]


def test_winnowing_guarantee_13_chars():
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 300)]
    assert winnow.GUARANTEE <= 13
    for _ in range(300):
        shared = "".join(rng.choice(alphabet) for _ in range(13))
        x = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) + shared
        x += "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        y = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) + shared
        y += "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        fx, px = winnow.fingerprints(x)
        fy, _ = winnow.fingerprints(y)
        assert set(fx.tolist()) & set(fy.tolist())
        # positions are k-gram starts inside x
        assert np.all((px >= 0) & (px <= len(x) - winnow.K))
        # the anchored keys the index stores keep the guarantee
        assert set(winnow.fingerprint_keys(x, plain=False).tolist()) & set(
            winnow.fingerprint_keys(y, plain=False).tolist()
        )


def test_batch_fingerprints_equal_single():
    rng = random.Random(3)
    texts = ["加强组织领导，推进市域社会治理现代化试点工作", "短", "", "第一章 总则", "网格" * 40, "一二三四五六七八"]
    texts += ["".join(rng.choice("网格化管理服务群众") for _ in range(rng.randint(0, 40))) for _ in range(200)]
    texts = normalize_many(texts)
    batch = winnow.batch_fingerprint_keys(texts)
    for t, fps in zip(texts, batch):
        assert np.array_equal(winnow.fingerprint_keys(t), np.unique(fps)), t
    for t, fps in zip(texts, winnow.batch_fingerprint_keys(texts, plain=False)):
        assert np.array_equal(winnow.fingerprint_keys(t, plain=False), np.unique(fps)), t


def test_anchored_keys_need_a_longer_shared_context_than_kgrams():
    # texts sharing only a 7-character stock phrase: single k-gram fingerprints
    # often coincide, anchored keys (9-character contexts) never do
    rng = random.Random(5)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 500)]

    def filler():
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(4, 30)))

    plain = anchored = 0
    for _ in range(200):
        x, y = filler() + "中华人民共和国" + filler(), filler() + "中华人民共和国" + filler()
        plain += bool(set(winnow.fingerprints(x)[0].tolist()) & set(winnow.fingerprints(y)[0].tolist()))
        anchored += bool(
            set(winnow.fingerprint_keys(x, plain=False).tolist())
            & set(winnow.fingerprint_keys(y, plain=False).tolist())
        )
    assert plain > 20 and anchored == 0


def test_fingerprint_fields_is_es_friendly():
    f = fingerprint_fields("晋城市加强组织领导，推进市域社会治理现代化试点工作。")
    g = fingerprint_fields("xx市加强组织领导，推进市域社会治理现代化试点工作")
    assert f["dd_hash"] == g["dd_hash"] and f["dd_bands"] == g["dd_bands"] and f["dd_fps"] == g["dd_fps"]
    assert all(isinstance(k, str) for k in f["dd_bands"] + f["dd_fps"])
    assert len(f["dd_bands"]) == minhash.BANDS
    p = fingerprint_paragraphs(["晋城市加强组织领导，推进市域社会治理现代化试点工作。"])
    assert p.hashes[0] == int(f["dd_hash"]) and p.bands[0] == [int(k) for k in f["dd_bands"]]


def test_kgram_hashes_and_signatures_follow_their_definition():
    """The batched k-gram hashes and MinHash signatures equal the definitions, computed
    one by one in Python integers, whatever the chunking of the signature blocks."""
    rng = random.Random(11)
    alphabet = "加强组织领导推进市域社会治理现代化网格调解基层群众"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(80)] + ["网格" * 30]
    mask, p = (1 << 64) - 1, int(minhash._P)

    def mix(h):
        h ^= h >> 30
        h = (h * 0xBF58476D1CE4E5B9) & mask
        h ^= h >> 27
        h = (h * 0x94D049BB133111EB) & mask
        return h ^ (h >> 31)

    def kgrams(t, k=minhash.SHINGLE):
        if not t:
            return []
        out = []
        for s in range(max(1, len(t) - k + 1)):
            h = 0
            for ch in t[s : s + k]:
                h = (h * p + ord(ch) + 1) & mask
            out.append(mix((h + min(k, len(t))) & mask))
        return out

    hs, ow = minhash.batch_kgram_hashes(texts, minhash.SHINGLE)
    for i, t in enumerate(texts):
        assert hs[ow == i].tolist() == kgrams(t), t
    sigs = minhash.signatures(texts)
    for chunk in (1, 7, 100):
        assert np.array_equal(minhash.signatures(texts, chunk_shingles=chunk), sigs)
    a, b = (x.tolist() for x in minhash._perm_params())
    for i, t in enumerate(texts):
        xs = [h & 0xFFFFFFFF for h in kgrams(t)]
        want = [min(((ai * x + bi) & 0xFFFFFFFF) for x in xs) if xs else 0xFFFFFFFF for ai, bi in zip(a, b)]
        assert sigs[i].tolist() == want, t


def test_ns_lines_found_in_one_pass_are_those_of_splitting_each_line():
    import importlib.util
    from pathlib import Path

    from dedup.normalize import _NS_LINE, _ODD_LINE_BREAK

    def by_lines(text: str) -> set[str]:
        return {p[0] for p in (line.split(" ") for line in text.splitlines()) if len(p) == 3 and p[2] == "ns"}

    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.origin is not None
    real = (Path(spec.origin).parent / "dict.txt").read_text(encoding="utf-8")
    made = "北京 3 ns\n北京市 3 ns \n 5 ns\n上海  ns\n天津 2 nsx\n重庆 2 n s\n广州 9 ns\n\n深圳 1 ns"
    for text in (real, made):
        assert not _ODD_LINE_BREAK.search(text)
        assert set(_NS_LINE.findall(text)) == by_lines(text)
    assert len(by_lines(real)) > 10_000
