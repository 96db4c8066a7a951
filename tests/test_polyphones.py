"""The batched g2pM model: same answers as the published package, batching, missing files."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from companion.polyphones import (
    WINDOW,
    ModelUnavailable,
    PolyphoneModel,
    Query,
    get_model,
    polyphone_readings,
)

SENTENCES = [
    "他还没有还钱，银行行长说不行。",
    "这个行李箱太重了，我们重新开始吧。",
    "她长得很漂亮，头发也长。",
    "我们一起去看了一场电影，觉得很好看。",
    "1990年9月15日，在克里米亚发现了此天体。",
]


@pytest.fixture(scope="module")
def model() -> PolyphoneModel:
    found = get_model()
    assert found is not None
    return found


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_same_readings_as_the_g2pm_package(model: PolyphoneModel) -> None:
    from g2pM import G2pM

    reference = G2pM()  # leaves its weight files open: the warnings above are its own
    for sentence in SENTENCES:
        expected = reference(sentence, char_split=True)
        positions = [i for i, ch in enumerate(sentence) if model.is_polyphone(ch)]
        assert positions
        # all classes allowed: exactly the package's arg-max over its 876 readings
        queries = [Query(sentence, i, tuple(model.classes)) for i in positions]
        got = [reading for reading, _ in model.predict(queries)]
        assert got == [expected[i] for i in positions], sentence
    del reference
    gc.collect()


def test_batched_equals_one_by_one(model: PolyphoneModel) -> None:
    readings = polyphone_readings()
    queries = [
        Query(s, i, readings[ch]) for s in SENTENCES for i, ch in enumerate(s) if ch in readings
    ]
    together = model.predict(queries)
    alone = [model.predict([q])[0] for q in queries]
    assert [r for r, _ in together] == [r for r, _ in alone]
    for (_, p), (_, q) in zip(together, alone, strict=True):
        assert p == pytest.approx(q, rel=1e-4)
        assert 0 < p <= 1


def test_distributions_weigh_only_the_candidates(model: PolyphoneModel) -> None:
    sentence = "他还没有还钱。"
    dists = model.distributions(
        [Query(sentence, 1, ("hai2", "huan2")), Query(sentence, 4, ("huan2", "hai2", "nope"))]
    )
    assert [list(d) for d in dists] == [["hai2", "huan2"], ["huan2", "hai2"]]
    for dist in dists:
        assert sum(dist.values()) == pytest.approx(1.0)
    bank = model.distributions([Query("我们一起去银行。", 5, ("xing2", "hang2"))])[0]
    assert max(bank, key=bank.__getitem__) == "hang2"
    assert model.distributions([Query(sentence, 0, ("not-a-reading",))]) == [{}]
    assert [r for r, _ in model.predict([Query(sentence, 1, ("hai2", "huan2"))])] == ["hai2"]


def test_long_text_is_read_in_windows(model: PolyphoneModel) -> None:
    long = "今天天气很好，" * 30 + "我还是觉得长城最好玩。"
    index = long.rindex("长")
    start = len(long) - (2 * WINDOW + 1)  # near the end, the window ends with the text
    options = ("chang2", "zhang3")
    whole = model.predict([Query(long, index, options)])[0]
    assert whole == model.predict([Query(long[start:], index - start, options)])[0]
    assert whole[0] == "chang2"


def test_candidates_limit_the_answer(model: PolyphoneModel) -> None:
    (reading, probability), (unknown, none) = model.predict(
        [Query("我们一起去银行。", 5, ("hang2",)), Query("银行", 1, ("not-a-reading",))]
    )
    assert reading == "hang2" and probability == pytest.approx(1.0)
    assert (unknown, none) == ("", 0.0)
    assert model.predict([]) == []


def test_missing_or_broken_model_files(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="cannot read"):
        PolyphoneModel(tmp_path)
    (tmp_path / "np_ckpt.pkl").write_bytes(b"not a pickle")
    with pytest.raises(ModelUnavailable):
        PolyphoneModel(tmp_path)


def test_polyphone_list_needs_no_numpy() -> None:
    readings = polyphone_readings()
    assert readings["还"] == ("hai2", "huan2")
    assert "银" not in readings and len(readings) > 700
