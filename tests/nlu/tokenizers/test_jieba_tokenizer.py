from __future__ import annotations

import pickle

import jieba

from nlu.tokenizers.jieba_tokenizer import JiebaTokenizer


def _words(tokenizer: JiebaTokenizer, text: str) -> list[tuple[str, int, int]]:
    return [(t.text, t.start, t.end) for t in tokenizer.tokenize(text)]


def test_user_words_keep_place_names_whole_with_offsets() -> None:
    tokenizer = JiebaTokenizer(["嵩口镇", "田源"])
    assert _words(tokenizer, "我想去嵩口镇") == [("我", 0, 1), ("想", 1, 2), ("去", 2, 3), ("嵩口镇", 3, 6)]
    words = _words(tokenizer, "俺明早7点要去县城看病 从田源出发")
    assert ("田源", 13, 15) in words
    assert all("俺明早7点要去县城看病 从田源出发"[s:e] == w for w, s, e in words)


def test_default_dictionary_alone_cuts_the_township_wrongly() -> None:
    assert "嵩口镇" not in [t.text for t in JiebaTokenizer().tokenize("我想去嵩口镇")]


def test_private_instance_leaves_the_global_jieba_alone() -> None:
    JiebaTokenizer(["溪源村口站"])
    assert "溪源村口站" not in jieba.lcut("我在溪源村口站等车")


def test_punctuation_emoji_and_spaces_are_not_tokens() -> None:
    tokenizer = JiebaTokenizer()
    assert _words(tokenizer, "😀， ！") == []
    assert [w for w, _, _ in _words(tokenizer, "B202611200007 取消！")] == ["B202611200007", "取消"]


def test_pickles_as_its_user_words_and_works_after_loading() -> None:
    tokenizer = pickle.loads(pickle.dumps(JiebaTokenizer(["嵩口镇"])))
    assert tokenizer.user_words == ("嵩口镇",)
    assert [t.text for t in tokenizer.tokenize("去嵩口镇")] == ["去", "嵩口镇"]
