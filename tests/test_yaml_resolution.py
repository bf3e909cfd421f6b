"""Scalars resolve by YAML 1.2, through the resolver hooks that loading/document.py sets on
libyaml's CParser.

Those hooks (`resolve`, `descend_resolver`, `ascend_resolver`) are not PyYAML's documented
interface, hence the pin `pyyaml<7`: were a release to stop calling them, or call them
otherwise, plain scalars would get PyYAML's YAML 1.1 tags (`yes` a bool, `1.50` a float,
`=` a value tag) or none, and these tests fail.
"""

from __future__ import annotations

import pytest

from shingikai.loading.document import parse

from conftest import MINIMAL, lint_text, run

CORE = "tag:yaml.org,2002:"


@pytest.mark.parametrize(
    ("scalar", "tag"),
    [
        # Booleans, octal and sexagesimal numbers, floats and dates of YAML 1.1 only: text.
        ("yes", "str"),
        ("No", "str"),
        ("on", "str"),
        ("off", "str"),
        ("0312345678", "str"),
        ("012", "str"),
        ("1_000", "str"),
        ("1:30", "str"),
        ("1.50", "str"),
        ("2022-01-18", "str"),
        ("=", "str"),
        # YAML 1.2's core schema.
        ("true", "bool"),
        ("False", "bool"),
        ("12", "int"),
        ("-3", "int"),
        ("0", "int"),
        ("null", "null"),
        ("~", "null"),
        ("", "null"),
        # Quoted: never resolved.
        ('"true"', "str"),
        ("'12'", "str"),
        # An explicit tag is the node's own: the resolver is not asked.
        ('!!int "12"', "int"),
        ("!!str true", "str"),
    ],
)
def test_the_composer_tags_plain_scalars_by_yaml_1_2(scalar: str, tag: str) -> None:
    [(_, node)] = parse(f"value: {scalar}\n").root.value
    assert node.tag == CORE + tag


def test_collections_are_tagged_as_sequences_and_mappings() -> None:
    [(_, sequence), (_, mapping)] = parse("a: [x]\nb: {c: d}\n").root.value
    assert (sequence.tag, mapping.tag) == (CORE + "seq", CORE + "map")


def test_text_that_yaml_1_1_would_convert_is_linted_and_rendered_as_written(write) -> None:
    text = (
        MINIMAL.replace("business_name: 事務", "business_name: yes")
        .replace("summary: 概要", "summary: on")
        .replace("period: 令和4年1月18日～", "period: 2022-01-18")
        .replace("volume: 年間約1,800件", "volume: 1.50")
        .replace("recipient: 株式会社A", "recipient: 0312345678")
        # YAML 1.1's value tag: as a tag, E105.
        .replace("recipient_controls: 管理", "recipient_controls: =")
    )
    result, found = lint_text(write, text)
    assert (result.code, found) == (
        0,
        [(12, 14, "W406", "電話番号と思われる「0312345678」があります。公開されるシートに直接の識別子を書かないでください")],
    )
    rendered = run("render", "--format", "md", write(text))
    assert rendered.code == 0, rendered.stderr
    rows = rendered.lines()
    for row in (
        "| 事務の名称 | yes |",
        "| 事務の概要 | on |",
        "| 実施時期 | 2022-01-18 |",
        "| 件数 | 1.50 |",
        "| 外部提供先の概要 | 0312345678 |",
        "| 外部提供先での個人情報の管理の方法 | = |",
    ):
        assert row in rows


def test_a_boolean_where_text_belongs_is_a_wrong_type(write) -> None:
    result, found = lint_text(write, MINIMAL.replace("business_name: 事務", "business_name: true"))
    assert (result.code, found) == (1, [(6, 1, "E203", "事務の名称（business_name）は文字列で書いてください")])


def test_an_explicit_int_tag_is_honoured(write) -> None:
    _, tagged = lint_text(write, MINIMAL.replace("version: 1", 'version: !!int "1"'))
    assert tagged == []
    # Without the tag, the quoted digit is text, and not the version 1.
    _, quoted = lint_text(write, MINIMAL.replace("version: 1", 'version: "1"'))
    assert quoted == [(1, 1, "E207", "version は数の 1 です。引用符を付けず半角で version: 1 と書いてください")]
