"""Foreign text is shown without its control characters."""

from __future__ import annotations

from companion.untrusted import printable


def test_escape_sequences_and_bidi_overrides_are_removed() -> None:
    assert printable("zh\x1b[2J\x1b]0;pwned\x07 pack") == "zh [2J ]0;pwned pack"
    assert "\u202e" not in printable("report\u202egnp.exe")
    assert printable("a\x00b\x7fc\x9bd") == "a b c d"


def test_lone_surrogates_and_length() -> None:
    assert printable("bad\ud800text") == "bad text"
    long = printable("好" * 1000, limit=10)
    assert len(long) == 10 and long.endswith("…")
    assert printable("no limit " * 50, limit=None).startswith("no limit")


def test_newlines_kept_only_when_asked() -> None:
    assert printable("one\ntwo") == "one two"
    assert printable("one\n\x1b[31mtwo", keep_newlines=True) == "one\n[31mtwo"
    assert printable(404) == "404"
