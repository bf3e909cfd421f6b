"""What a value should have been, by pydantic's error type: one wording for case files
(YAML) and the configuration (TOML) alike, so the two cannot drift apart."""

from typing import Final

# Words true in both formats. A list is "[ ]" with 「,」 between its entries in either
# (a block of "- " lines is YAML's alone, and TOML quotes strings that YAML need not);
# a mapping in YAML is a table in TOML, so neither format's own word.
_EXPECTED: Final = {
    "string_type": "文字列",
    "bool_type": "真偽値（true または false）",
    "list_type": "リスト（[ ] で囲み「,」で区切った並び）",
    "dict_type": "キーと値の組の並び",
    "model_type": "キーと値の組の並び",
    # A notice (a union told apart by its `given`) given as anything but a mapping.
    "model_attributes_type": "キーと値の組の並び",
    # A meeting's 第N回.
    "int_type": "整数",
    "int_parsing": "整数",
}


def expected(error_type: str) -> str:
    """The kind of value a field takes, for 「…で書いてください」."""
    return _EXPECTED.get(error_type, "正しい形式")
