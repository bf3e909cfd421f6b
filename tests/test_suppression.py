"""Inline suppression comments."""

from __future__ import annotations

from conftest import MINIMAL, run

PHONE = MINIMAL.replace("summary: 概要", "summary: 連絡先 03-1234-5678")


def codes(path):
    return [(f["line"], f["code"]) for f in run("lint", "--format", "json", path).json()["findings"]]


def test_ignore_on_the_line(write):
    assert codes(write(PHONE)) == [(7, "W406")]
    assert codes(write(PHONE.replace("03-1234-5678", "03-1234-5678  # shingikai: ignore[W406]"))) == []


def test_ignore_on_the_line_only_names_its_codes(write):
    assert codes(write(PHONE.replace("03-1234-5678", "03-1234-5678  # shingikai: ignore[W403, W404]"))) == [(7, "W406")]


def test_ignore_on_a_block_scalar_key_covers_its_lines(write):
    text = MINIMAL.replace("summary: 概要", "summary: |  # shingikai: ignore[W406]\n  経過は次のとおり。\n  連絡先 03-1234-5678")
    assert codes(write(text)) == []


def test_ignore_file(write):
    text = "# shingikai: ignore-file[W4]\n" + PHONE.replace("recipient: 株式会社A", "recipient: ○○株式会社")
    assert codes(write(text)) == []


def test_a_directive_inside_a_string_is_text_not_a_comment(write):
    text = PHONE.replace("summary: 連絡先 03-1234-5678", "summary: |\n  連絡先 03-1234-5678\n  # shingikai: ignore-file[W406]")
    assert codes(write(text)) == [(8, "W406")]


def test_suppressing_an_error_makes_the_run_pass(write):
    text = MINIMAL.replace("items: [住所]", "items: [住所, 電話]  # shingikai: ignore[E205]")
    result = run("lint", write(text))
    assert (result.code, result.stdout) == (0, "")
