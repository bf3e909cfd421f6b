"""E2: the case format. Validation against the model (model/validation.py) finds these;
here is what each code means."""

from ..model import validation
from ..model.vocabulary import ITEM_GROUPS
from .registry import declare

# The whole grid, by group, as `shingikai rules E205` shows it.
_GRID = "\n".join(f"    - {group}: {'、'.join(items)}" for group, items in ITEM_GROUPS.items())

MISSING = declare(
    validation.MISSING,
    "必須の項目がない・空",
    """
    ## 何を検査するか
    付議案件シートに必ず書く項目（件名、主管課、事務の概要、各欄の理由や提供先など）が、
    キーごと抜けていたり、値が空だったりしないか。空白だけの値も空とみなします。

    ## なぜ問題か
    審議会は空欄のあるシートを審議できません。空のままの欄は差し戻しの原因になり、
    公開されたシートでは説明責任を果たしていないことになります。

    ## 違反例
    ```yaml
    external_provision:
      recipient: ""
    ```

    ## 修正例
    ```yaml
    external_provision:
      recipient: 株式会社〇〇システム（AI-OCR サービスの提供事業者）
    ```
    """,
)


UNKNOWN_KEY = declare(
    validation.UNKNOWN_KEY,
    "不明なキー",
    """
    ## 何を検査するか
    形式にないキーが書かれていないか。いちばん近い正しいキー（シートの項目名で書いた場合もそのキー）を示します。

    ## なぜ問題か
    キーの綴りを誤ると、その内容はシートに載りません。黙って無視せず、誤りとして知らせます。

    ## 違反例
    ```yaml
    external_provision:
      recipent: NTTデータ
    ```

    ## 修正例
    ```yaml
    external_provision:
      recipient: NTTデータ
    ```
    """,
)


WRONG_TYPE = declare(
    validation.WRONG_TYPE,
    "値の型の誤り",
    """
    ## 何を検査するか
    文字列を書く所にリストやマッピングが、リストを書く所に文字列が書かれていないかなど、値の型。
    キーと値の組を書く所（`notice`、`attachments` の各資料など）に値だけが書かれていれば、
    書くべきキーと形を示します（`notice: 有` なら `given: 有`・`timing:`・`method:`）。

    ## なぜ問題か
    型が違うと、シートのどの欄にどう載せるかが決まりません。字下げのずれで
    意図せずマッピングになっていることもあります。

    ## 違反例
    ```yaml
    bases: 外部提供
    ```

    ## 修正例
    ```yaml
    bases: [外部提供]
    ```
    """,
)


NOT_IN_ENUM = declare(
    validation.NOT_IN_ENUM,
    "選択肢にない値",
    """
    ## 何を検査するか
    選択肢の決まった値（`kind`、`bases`、`media`、`given`、`timing`、`operation`）が選択肢の中にあるか。
    いちばん近い選択肢を示します。見えない文字（全角の空白など）だけが違う値はその旨を、
    `[外部提供、結合]` のように「、」で区切った値は一つの値として読まれている旨を示します。

    ## なぜ問題か
    シートのチェック欄（■/□）はこの値から作られます。選択肢にない値では、
    どの欄にチェックを付けるかが決まりません。

    ## 違反例
    ```yaml
    kind: 諮問事項
    ```

    ## 修正例
    ```yaml
    kind: 諮問
    ```
    """,
)


UNKNOWN_ITEM = declare(
    validation.UNKNOWN_ITEM,
    "項目表にない個人情報の項目",
    f"""
    ## 何を検査するか
    `items` の値が保有個人情報の項目表（基本的事項・心身の状況・家族状況等・社会生活）にある項目か。
    いちばん近い項目を示し、近い項目がなければ表の項目を分類ごとに示します。
    `[氏名、住所]` のように「、」で区切った値は一つの値として読まれるため、その旨を示します。

    項目表（シートの順）:

{_GRID}

    ## なぜ問題か
    `items` はシートの項目表のチェック（■）になります。表にない語は表に載らず、
    チェックしたつもりの項目が抜けたシートが公開されます。表にない項目は `other_items` に書きます。

    ## 違反例
    ```yaml
    external_provision:
      items: [氏名, 電話]
    ```

    ## 修正例
    ```yaml
    external_provision:
      items: [氏名, 電話番号]
    ```
    """,
)


REPEATED = declare(
    validation.REPEATED,
    "値の重複",
    """
    ## 何を検査するか
    `bases`、`items`、`media`、`departments` に同じ値が二度書かれていないか
    （`other_items` の重複は W411 が指摘します）。

    ## なぜ問題か
    チェック欄は一つの値に一つです。重複は書き誤り（別の値のつもりだった）であることが多く、
    本来チェックすべき欄が抜けているおそれがあります。

    ## 違反例
    ```yaml
    external_provision:
      items: [氏名, 住所, 氏名]
    ```

    ## 修正例
    ```yaml
    external_provision:
      items: [氏名, 住所, 電話番号]
    ```
    """,
)


UNSUPPORTED_VERSION = declare(
    validation.UNSUPPORTED_VERSION,
    "対応していない形式の版",
    """
    ## 何を検査するか
    `version` が、このツールの読める形式の版（1）か。

    ## なぜ問題か
    版が違うファイルはキーや意味が違う可能性があり、推測して読むと誤ったシートになります。

    ## 違反例
    ```yaml
    version: 2
    ```

    ## 修正例
    ```yaml
    version: 1
    ```
    """,
)
