"""`shingikai init`: a case repository, every file of it written new or none at all."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel

from ..errors import ShingikaiError, os_reason
from ..lint.config import CONFIG_FILE
from ..model import vocabulary as v
from ..model.settings import Config
from .schema import render as render_schema
from .skeleton import MEETING_SCHEMA_PATH, SCHEMA_PATH, create

CASE_FILES: Final = r"^(cases|meetings)/.*\.ya?ml$"
HOOK_ID: Final = "shingikai-lint"


def init(directory: Path) -> list[Path]:
    """Write a case repository into `directory`; none of its files may exist yet."""
    if directory.exists() and not directory.is_dir():
        raise ShingikaiError(f"{directory} はディレクトリではありません")
    files = _repository_files()
    targets = [directory / name for name in files]
    existing = [str(path) for path in targets if path.exists() or path.is_symlink()]
    if existing:
        raise ShingikaiError("既にあるファイルは上書きしません（何も作成していません）: " + "、".join(existing))
    for path, text in zip(targets, files.values()):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ShingikaiError(f"ディレクトリ {path.parent} を作成できません（{os_reason(error)}）") from error
        create(path, text)
    return targets


def _repository_files() -> dict[str, str]:
    """The files of a new case repository, by path relative to it."""
    requirement = _install_requirement()
    return {
        CONFIG_FILE: _config_toml(),
        "cases/.gitkeep": "",
        "meetings/.gitkeep": "",
        SCHEMA_PATH: render_schema(),
        MEETING_SCHEMA_PATH: render_schema(meeting=True),
        ".pre-commit-config.yaml": _PRE_COMMIT_CONFIG,
        LAUNCHER: _launcher(requirement),
        ".gitignore": _GITIGNORE,
        ".gitattributes": _GITATTRIBUTES,
        ".vscode/settings.json": _vscode_settings(),
        "README.md": _readme(requirement),
    }


# --- shingikai.toml: generated from the Config model, so the defaults cannot drift.

_CONFIG_HEADER: Final = """\
# shingikai の設定。値は狛江市の既定値です。
# 他の自治体では、自治体名・条例・審議会の名称と [articles] の条文を書き換えます。
"""
_CONFIG_COMMENTS: Final = {
    "municipality": "自治体名。一字違いの名前（誤記・OCR の誤り）を W404 が知らせます",
    "ordinance": "個人情報保護条例の名称",
    "council": "審議会の名称",
    "departments": "課の一覧。空でなければ、主管課がこの一覧にないとき W408 が知らせます",
    "known_names": "自治体名と一字違いでも誤記ではない、実在する名前（W404 の対象外）",
    "pdf_font": 'PDF（render --format pdf）の日本語フォント（`fc-list :lang=ja family` の名前、例: "IPAexGothic"）。空なら IPAex明朝 などから選びます',
    "articles": "根拠規定と通知の規定の条文（ruleset）。条例に合わせてここを書き換えます",
    "articles.本人外収集の通知": "空のあいだ、本人外収集の通知 無 の理由では条文番号の代わりに「本人外収集に係る通知の規定」と書きます",
    "articles.緊急の外部提供": "other_basis がこの条文なら外部提供の根拠規定は不要（E302 の例外）、報告事項に限ります（E309）",
    "lint": "検査の設定",
    "lint.select": "報告するコード（先頭一致。空ならすべて）",
    "lint.ignore": "報告しないコード（先頭一致）",
    "lint.strict": "true なら警告でも終了コード 1",
    "lint.per-file-ignores": 'ファイルのパターンごとに報告しないコード。例: { "cases/archive/*.yaml" = ["W403"] }',
}
_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")


def _config_toml() -> str:
    """`shingikai.toml` with every default of `Config`, commented in Japanese."""
    lines = [_CONFIG_HEADER]
    tables: list[tuple[str, BaseModel]] = []
    for key, value in _settings(Config()):
        if isinstance(value, BaseModel):
            tables.append((key, value))
        else:
            lines += _toml_setting(key, key, value)
    for table, model in tables:
        lines += ["", *_toml_comment(table), f"[{table}]"]
        for key, value in _settings(model):
            lines += _toml_setting(f"{table}.{key}", key, value)
    return "\n".join(lines) + "\n"


def _settings(model: BaseModel) -> Iterator[tuple[str, Any]]:
    for name, field in type(model).model_fields.items():
        yield field.alias or name, getattr(model, name)


def _toml_comment(path: str) -> list[str]:
    comment = _CONFIG_COMMENTS.get(path)
    return [f"# {comment}"] if comment else []


def _toml_setting(path: str, key: str, value: Any) -> list[str]:
    return [*_toml_comment(path), f"{_toml_key(key)} = {_toml_value(value)}"]


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A JSON string is a TOML basic string.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        entries = ", ".join(f"{_toml_key(k)} = {_toml_value(item)}" for k, item in value.items())
        return "{ " + entries + " }" if entries else "{}"
    raise TypeError(f"no TOML form for {value!r}")


# --- The other files of a case repository.
#
# `git commit` runs the hook from a shell that need not have the virtual environment on
# its PATH (a new terminal, an editor's Git). So the hook's entry is a launcher script
# that finds shingikai in the repository's `.venv` itself, where the README's set-up
# installs it; `sh` runs it on every system git runs on, Git for Windows included.

LAUNCHER: Final = "scripts/shingikai-lint.sh"
VENV: Final = ".venv"


def _install_requirement() -> str:
    """What `pip install` takes to install this shingikai again, quoted for the shell:
    where it came from (PEP 610's direct_url.json), else the package index."""
    import shlex
    from importlib.metadata import distribution
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    installed = distribution("shingikai")
    direct = installed.read_text("direct_url.json")
    if direct is None:
        return f"shingikai=={installed.version}"
    origin = json.loads(direct)
    url = origin["url"]
    if "vcs_info" in origin:
        vcs = origin["vcs_info"]
        return shlex.quote(f"shingikai @ {vcs['vcs']}+{url}@{vcs['commit_id']}")
    if url.startswith("file:"):
        return shlex.quote(url2pathname(urlsplit(url).path))
    return shlex.quote(f"shingikai @ {url}")


def _set_up_commands(requirement: str) -> str:
    return f"""\
python3 -m venv {VENV}
{VENV}/bin/python -m pip install {requirement} pre-commit
{VENV}/bin/pre-commit install
"""


def _launcher(requirement: str) -> str:
    return f"""\
#!/bin/sh
# shingikai lint を実行します。.pre-commit-config.yaml のフックが、変更したケースファイルを引数にして
# 呼びます。git commit を実行するシェルで仮想環境を有効にしていなくても検査できるよう、このリポジトリの
# {VENV} の shingikai を使い、なければ PATH の shingikai を、どちらもなければ入れ方を示して止めます。
root=$(dirname "$0")/..
for shingikai in "$root/{VENV}/bin/shingikai" "$root/{VENV}/Scripts/shingikai.exe"; do
  if [ -x "$shingikai" ]; then
    exec "$shingikai" lint "$@"
  fi
done
if command -v shingikai >/dev/null 2>&1; then
  exec shingikai lint "$@"
fi
cat >&2 <<'EOF'
shingikai が見つかりません（このリポジトリの {VENV} にも PATH にもありません）。
このリポジトリのディレクトリで次を実行してから、もう一度コミットしてください（README.md の「準備」）:
  python3 -m venv {VENV}
  {VENV}/bin/python -m pip install {requirement}
EOF
exit 1
"""


_PRE_COMMIT_CONFIG: Final = f"""\
# pre-commit の設定: コミットのたびに、変更した cases/ のケースファイルと meetings/ の会議ファイルを
# shingikai lint で検査し、エラーがあればコミットを止めます。有効にするには README.md の「準備」を一度行います。
#
# このフックは {LAUNCHER} を通して、このリポジトリの {VENV} に入れた shingikai
# （なければ PATH の shingikai）を使います（language: system）。
# shingikai のリポジトリを pre-commit から取得できる場合は、repos を次のように書き換えると、
# pre-commit が shingikai を自分でインストールします:
#   - repo: <shingikai のリポジトリの URL>
#     rev: <タグまたはコミット>
#     hooks:
#       - id: {HOOK_ID}
repos:
  - repo: local
    hooks:
      - id: {HOOK_ID}
        name: shingikai lint
        entry: sh {LAUNCHER}
        language: system
        files: {CASE_FILES}
"""

_GITIGNORE: Final = f"""\
# README.md の「準備」で作る仮想環境（PC ごとに作り、コミットしません）
{VENV}/
"""

# Git for Windows checks text files out with CRLF line ends, which `sh` cannot read.
_GITATTRIBUTES: Final = f"""\
{LAUNCHER} text eol=lf
"""


def _vscode_settings() -> str:
    settings = {
        "yaml.schemas": {
            f"./{SCHEMA_PATH}": ["cases/**/*.yaml", "cases/**/*.yml"],
            f"./{MEETING_SCHEMA_PATH}": ["meetings/**/*.yaml", "meetings/**/*.yml"],
        }
    }
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


def _readme(requirement: str) -> str:
    bases = "、".join(basis.value for basis in v.BASES)
    return f"""\
# 付議案件シート

個人情報保護審議会の付議案件シートを、一件ずつ `cases/` の YAML ファイル（ケースファイル）で管理します。
`shingikai lint` が形式と条例に照らして検査します。

## 準備（最初に一度）

このリポジトリの中に仮想環境 `{VENV}` を作って shingikai と pre-commit を入れ、コミット前の検査を
有効にします。このリポジトリのディレクトリで:

```sh
{_set_up_commands(requirement)}```

Windows では、1 行目を `py -m venv {VENV}` にし、`{VENV}/bin/` を `{VENV}/Scripts/` に読み替えます。
`pip install` の後の `{requirement}` は、この README を作った shingikai の入手元です。別の場所から
入れるときは、そこに書き換えます。`{VENV}/` は `.gitignore` でコミットの対象から外してあります。

`shingikai` のコマンドを使うシェルでは、はじめに仮想環境を有効にします: `. {VENV}/bin/activate`
（Windows の PowerShell では `{VENV}\\Scripts\\Activate.ps1`）。

## 案件を追加する

```sh
shingikai new --kind 諮問 --basis 外部提供 --basis 結合 -o cases/案件名.yaml
shingikai lint cases/
```

`--kind` は {" か ".join(v.KINDS)}、`--basis` は該当する根拠規定（{bases}）を一つずつ指定します。
できたファイルには、必要な項目がシートの項目名のコメント付きで並びます。空欄を埋め、
`shingikai lint cases/` のエラーがなくなるまで直します（最初は空欄が E201 として並びます）。
コードの説明は `shingikai rules E201` で表示します。

## 会議を記録する

審議会の会議一回が `meetings/` の会議ファイル一つです。日時・場所と議題（諮問事項と報告事項、
それぞれ案件のケースファイルを付す順に）を書き、会議の後に会議の結果を加えます。

```sh
shingikai new --meeting -o meetings/会議名.yaml
shingikai lint meetings/
shingikai render meetings/ -o build/site
```

会議ファイルを検査すると、議題の案件も検査します。`render` は会議ごとのフォルダに次第とシートを書き出します。

審議会が決定したら（継続審議のほかの会議の結果を書いたら）、会議ファイルをコミットします。決定を初めて書いたコミットでの
ケースファイルの内容が、審議会が決定した内容です。その後にケースファイルの内容を変えてコミットすると、
コミット前の検査が W504（警告）で知らせます。決定の後に何が変わったかは `shingikai changes cases/案件名.yaml` が
シートの項目名ごとに表示します（決定がまだなければ、そう示します）。

## 台帳（相手方別・項目別・運用状況）

```sh
shingikai report cases/ meetings/ -o build/register.xlsx
```

すべての案件と会議から台帳を作ります: 案件・区分・項目ごとの一覧、相手方別（どの相手方がどの項目を受け取るか）、
項目別（どの案件がその項目を扱うか）、年度ごとの運用状況（諮問・報告、区分、会議の結果ごとの件数）。
`-o` の拡張子で Excel（ビューごとのシート）、CSV（一覧）、HTML（すべてのビューを 1 ページに）、JSON になり、
`--year 令和4年度` でその年度だけを載せます。検査エラーのある案件は載せずに示します（`--force` で印を付けて載せます）。

## コミット前の検査（pre-commit）

「準備」の `pre-commit install` により、コミットのたびに `.pre-commit-config.yaml` のフックが
変更した `cases/` のケースファイルと `meetings/` の会議ファイルを `shingikai lint` で検査し、エラーがあればコミットを止めます。
指摘は `ファイル:行:列: コード メッセージ` の形で表示されます。
W504（決定の後の変更）などの警告はコミットを止めません。止めるには `{CONFIG_FILE}` の `[lint]` で
`strict = true` にします。

フックは `{LAUNCHER}` を通して `{VENV}` の shingikai を使うので、仮想環境を有効にしていない
シェルやエディタの Git 機能からのコミットも検査されます。`{VENV}` になければ PATH の shingikai を使い、
どちらにもなければ、入れ方を示してコミットを止めます。

## エディタ（VS Code）

拡張機能「YAML」（Red Hat）を入れると、`{SCHEMA_PATH}` によって、キーの補完、
シートの項目名と説明の表示、形式の誤りの表示ができます（`.vscode/settings.json` で設定済み）。
会議ファイルには `{MEETING_SCHEMA_PATH}` が使われます。shingikai を更新したら
`shingikai schema > {SCHEMA_PATH}` と `shingikai schema --meeting > {MEETING_SCHEMA_PATH}` で JSON Schema も更新します。

## 設定

`{CONFIG_FILE}` に自治体名・条例の条文・検査の設定があります（狛江市の既定値）。
"""
