"""Deterministic generator of lint-clean case files (~4 KB each) for the benchmark.

    python bench/generate.py                # bench/data/{1,1000,10000}/, only when stale
    python bench/generate.py --force 1000   # regenerate one set

File i is the same in every set (seeded by its index), so the 1-file set is the
first file of the 1,000 set, which is the first thousand of the 10,000 set. The
content follows the format (shared/spec/case-format.md) and the cases/ examples:
bases, sections, items, notices, dates and sizes vary from file to file, and every
file is meant to pass `shingikai lint` with no finding (run.py checks the 1,000 set).

A set is regenerated only when it is missing or this file (or the item table of
shingikai.vocabulary) changed: each set's directory holds `.stamp` with their hash and the count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SETS = (1, 1000, 10000)
SEED = "shingikai-bench-v1"

# The sheet's items in the sheet's order, from the package's own vocabulary table (the
# enums the model accepts); they are part of the stamp, so a change regenerates the sets.
from shingikai.model.vocabulary import ITEMS  # noqa: E402

COMMON_ITEMS = ("氏名", "住所", "生年月日", "性別", "電話番号", "年齢", "識別番号", "口座情報")
OTHER_ITEMS = (
    "続柄", "世帯番号", "宛名番号", "在籍校", "学年", "クラス", "出席番号", "服装", "申請日",
    "受付番号", "被保険者番号", "介護度", "支給額", "振込日", "所属団体", "利用施設", "受給者番号",
    "家計急変の有無", "登録日", "対象区分",
)

DEPARTMENTS = (
    "企画財政部情報政策課", "市民生活部市民課", "市民生活部課税課", "市民生活部収納課",
    "福祉保健部福祉政策課", "福祉保健部福祉相談課", "福祉保健部高齢障がい課", "福祉保健部健康推進課",
    "子ども家庭部子ども政策課", "子ども家庭部子育て支援課", "教育部学校教育課", "教育部社会教育課",
    "環境部環境政策課", "都市建設部まちづくり推進課", "総務部総務課", "総務部防災安全課",
)

# (事務の名称, 件名に入る事業, システム, 目的の一文)
THEMES = (
    ("AI-OCRによる手書き帳票の電子データ化", "AI-OCRにおける読み込み項目情報", "AI-OCRサービス",
     "手書きの帳票を機械が読み取って文字データにすることで、入力の手間と時間を省略し、業務の効率化や行政サービスの向上を推進する。"),
    ("学校保健安全法に基づく健康診断における検診事業", "健康診断における検診事業の委託", "学校保健システム",
     "法令に基づき実施を義務付けられている健康診断のうち、専門性を必要とする検査を外部検査機関への委託にて行う。"),
    ("臨時特別給付金の給付事業", "臨時特別給付金の給付事業の実施", "臨時福祉給付金システム",
     "感染症の影響が長期化する中で、様々な困難に直面した世帯に対し、速やかに生活・暮らしの支援を行う。"),
    ("戸籍システムのクラウドサービスの導入", "戸籍システム機器更新に伴うクラウドサービスの導入", "戸籍システム",
     "機器の法定耐用年数の到来に合わせ、データの保全と業務の継続性を確保するためクラウドサービスへ移行する。"),
    ("子育て世帯への臨時特別給付事業", "子育て世帯への臨時特別給付事業の対象者への通知", "児童手当システム",
     "子育て世帯を支援する観点から、対象となる世帯に対し臨時特別の給付金を支給する。"),
    ("行方不明認知症高齢者等の捜索", "行方不明認知症高齢者等の捜索のための情報共有", "高齢者見守り情報共有サイト",
     "行方不明となった認知症高齢者等を早期に発見し、安全に保護するため、関係機関と情報を共有する。"),
    ("介護保険料の口座振替事務", "介護保険料の口座振替事務の委託", "介護保険システム",
     "介護保険料の納付の利便性を高め、収納事務を確実かつ効率的に行う。"),
    ("がん検診受診勧奨事業", "がん検診受診勧奨事業の実施", "健康管理システム",
     "がん検診の受診率を向上させるため、対象者に個別に受診を勧奨する通知を送付する。"),
    ("避難行動要支援者名簿の作成及び提供", "避難行動要支援者名簿の作成及び提供", "避難行動要支援者システム",
     "災害時に自ら避難することが困難な方の避難支援を円滑に行うため、名簿を作成し関係機関と共有する。"),
    ("就学援助費の支給事務", "就学援助費の支給事務", "就学援助システム",
     "経済的な理由により就学が困難な児童生徒の保護者に対し、学用品費等を援助する。"),
    ("住民税の申告書のデータ化", "住民税の申告書のデータ化業務の委託", "住民税課税システム",
     "申告書の内容をデータ化する作業を委託し、課税事務の正確性と迅速性を高める。"),
    ("図書館利用者管理システムの更新", "図書館利用者管理システムの更新", "図書館情報システム",
     "図書館の利用者管理と資料の貸出を安定して行うため、システムを更新する。"),
    ("ごみ収集運搬業務の委託", "粗大ごみ収集運搬業務の委託", "粗大ごみ受付システム",
     "粗大ごみの受付と収集運搬を一体的に委託し、申込みの利便性を高める。"),
    ("放課後児童クラブの入会審査事務", "放課後児童クラブの入会審査事務", "児童クラブ管理システム",
     "放課後に保護者が家庭にいない児童に遊びと生活の場を提供するため、入会の審査を行う。"),
    ("予防接種予診票の作成及び送付", "予防接種予診票の作成及び送付業務の委託", "予防接種管理システム",
     "定期予防接種の対象者に予診票を漏れなく送付し、接種率の向上を図る。"),
    ("地域包括支援センターとの情報共有", "地域包括支援センターとの情報共有", "地域包括ケアシステム",
     "高齢者が住み慣れた地域で暮らし続けられるよう、相談と支援を切れ目なく行う。"),
)

VENDORS = (
    "株式会社NTTデータ", "富士フイルムシステムサービス株式会社", "株式会社内田洋行",
    "株式会社総合キャリアオプション", "公益財団法人 東京都予防医学協会", "株式会社みどり情報サービス",
    "東和システム株式会社", "株式会社さくらデータセンター", "一般社団法人 地域福祉支援協会",
    "株式会社ひかり印刷", "多摩情報処理株式会社", "株式会社あおば計算センター",
)

BACKGROUND = (
    "これにより、これまで職員が手作業で行っていた入力や照合の手間と時間を省略することができ、業務の効率化や行政サービスの向上を推進する効果が期待される。",
    "対象者の数は年々増加しており、限られた職員数で正確かつ迅速に事務を処理するためには、専門的な知識と設備を有する事業者の協力が欠かせない状況である。",
    "なお、本事業の実施主体は市区町村とされており、その実施に必要な経費（事業費及び事務費）は国が全額補助することとなっている。",
    "事業の実施に当たっては、国から示された実施要領に沿って対象者を選定し、支給要件を満たすかどうかを確認したうえで手続を進める。",
    "同様の事業は都内の複数の区市でも実施されており、委託による実施で事務の遅延や誤りが減少したとの報告がある。",
    "対象者には事前に案内を送付し、問合せには専用の窓口で丁寧に対応することで、市民の不安を解消するよう努める。",
    "システムの更新に合わせて、アクセス権限の見直しと操作記録の保存を行い、情報の管理をより厳格にする。",
    "当市ではこれまでも同種の業務を委託してきたが、情報漏えい等の事故は一度も発生していない。",
    "申請の受付から審査、支給の決定までの期間を短縮し、必要な支援を必要な時期に届けることを目指す。",
    "また、災害時におけるデータの保全や、障害発生時の迅速な復旧が可能となり、業務の継続性も確保できる。",
    "作業は市の監督の下で行い、作業の進捗と個人情報の取扱状況を定期的に報告させることとしている。",
    "関係部署と連携し、同じ情報を何度も提出させることのないよう、手続の簡素化を図る。",
)

RISK = (
    "本件においては、{vendor}に対し、個人情報を取り扱う作業場所を限定し、入退室の管理と監視カメラによるモニタリングを実施させることにより、{action}による保有個人情報の漏えいのリスクは十分に低減されていると言える。",
    "本件においては、{system}の利用者をID及びパスワードで限定し、庁内ネットワークから独立させるとともに、通信を暗号化することにより、{action}による保有個人情報の漏えいのリスクは十分に低減されていると言える。",
    "本件においては、{vendor}はプライバシーマークを取得している事業者であり、これまで情報漏えい等の事故を起こしていないことから、{action}による保有個人情報の漏えいのリスクは十分に低減されていると言える。",
    "本件においては、{action}の範囲を事務の遂行に必要な最小限の項目に限り、作業の終了後は記録媒体を確実に消去させることから、漏えいのリスクは十分に低減されていると言える。",
)

NECESSITY = (
    "また、本件は業務の効率化と行政サービスの向上を図るためのものであり、本件の必要性は高いものである。",
    "また、限られた期間に多数の申請を処理するためには専門的な手法を有する事業者の協力が不可欠であり、本件の必要性は高いものである。",
    "また、対象者にとって不利益となる可能性が限りなく低い一方で、早急な支援を漏れなく実施するために必要であることから、本件の必要性は高いといえる。",
    "また、業務の専門性から、市の職員のみで行うことは困難であり、本件の必要性は高いものである。",
)

CONTROLS = (
    "{vendor}は、個人情報を取り扱う目的を本件の業務に限定し、作業は施錠できる専用の作業室で行う。",
    "{system}は担当する職員及び受託者のみが使用できるようにID及びパスワードを設定し、操作の記録を保存する。",
    "受託者は本庁舎敷地内において業務を行い、市職員の目の届く範囲で作業することで、提供した保有個人情報を持ち出すことができない体制とする。",
    "提供する電子データは暗号化して記録媒体に格納し、受け渡しは職員が直接行う。作業の終了後は速やかに返還させ、複製は認めない。",
    "データは{vendor}が管理するデータセンターで厳重に保管され、第三者がアクセスできないよう多層の防御を施している。",
)

CONDITIONS = (
    "個人情報の保護については、狛江市個人情報保護条例（以下「条例」という。）の遵守を徹底させ、委託契約の中で厳密な取扱いを求めるとともに、個人情報の取扱いに関する特記仕様書を取り交わすこと。",
    "条例の遵守を徹底させ、個人情報の厳密な取扱いを求めるとともに、取扱いに関する特記仕様書を取り交わすこと。",
    "目的外の利用と第三者への提供を禁止し、再委託を行う場合は事前に市の承諾を得ること。業務の終了後は提供した情報を返還又は消去し、その結果を書面で報告すること。",
)

NETWORKS = (
    "行政専用の閉域ネットワーク（LGWAN）を介して通信し、通信は暗号化する。",
    "専用回線を用いることで、盗聴や改ざんの防止、外部からの接続防止などのセキュリティ対策を実施する。",
    "インターネットから分離された専用の通信回線を用い、接続できる端末を限定する。",
)

NOTICE_METHODS = ("本人へ送付した。", "本人へ通知書を送付する。", "市のホームページ及び広報に掲載するとともに、本人へ通知する。", "窓口で本人へ説明し、書面を交付する。")
REMARKS = (
    "前回の審議会で継続審議となった案件である。",
    "事業の詳細は別添の資料のとおり。",
    "委託先の選定は随意契約により行う予定である。",
    "国の実施要領が改正された場合は、改めて報告する。",
)
ATTACHMENTS = ("事業概要資料", "委託仕様書（案）", "システム構成図", "個人情報の取扱いに関する特記仕様書", "業務フロー図")
VOLUME_UNITS = ("件", "人", "世帯")

ERA_START = dt.date(2019, 5, 1)
WEEKDAYS = "月火水木金土日"

# What each basis adds to the title, and the section it requires.
TITLE_WORD = {"本人外収集": "本人外収集", "目的外利用": "目的外利用", "外部提供": "外部提供", "結合": "電子計算機処理による結合"}
SECTION_LABEL = {"indirect_collection": "本人外収集", "secondary_use": "目的外利用", "external_provision": "外部提供"}
BASIS_SETS = (
    ("外部提供",), ("外部提供",), ("外部提供", "結合"), ("外部提供", "記録項目"), ("目的外利用", "記録項目"),
    ("本人外収集",), ("本人外収集", "目的外利用"), ("目的外利用",), ("記録項目",), ("外部提供", "記録項目", "結合"),
    ("その他",),
)


def era_date(day: dt.date, weekday: bool = False) -> str:
    year = day.year - 2018
    text = f"令和{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return text + (f"（{WEEKDAYS[day.weekday()]}）" if weekday else "")


def block(indent: int, text: str, style: str = "|") -> str:
    """A block scalar: each paragraph on its own line, blank lines between."""
    pad = " " * indent
    lines = text.split("\n")
    return style + "\n" + "\n".join(pad + line if line else "" for line in lines)


def flow(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


class Case:
    def __init__(self, index: int) -> None:
        self.r = random.Random(f"{SEED}:{index}")
        self.index = index

    def pick_items(self, count: int) -> list[str]:
        r = self.r
        chosen = set(r.sample(COMMON_ITEMS, min(count, 3)))
        while len(chosen) < count:
            chosen.add(r.choice(ITEMS))
        return [item for item in ITEMS if item in chosen]  # the sheet's order

    def mention(self, items: list[str]) -> str:
        """「（氏名、住所）」: some of the ticked items, named in running text."""
        named = self.r.sample(items, min(len(items), self.r.randint(1, 4)))
        return "（" + "、".join(named) + "）"

    def build(self) -> str:
        r = self.r
        business, theme, system, purpose = r.choice(THEMES)
        business = f"{business}（第{self.index % 97 + 1}期）" if r.random() < 0.5 else business
        vendor = r.choice(VENDORS)
        bases = list(r.choice(BASIS_SETS))
        emergency = bases == ["その他"]
        kind = "報告" if emergency or r.random() < 0.3 else "諮問"
        start = ERA_START + dt.timedelta(days=r.randrange(0, 5 * 365))
        end = start + dt.timedelta(days=r.randrange(1, 400))
        sections: dict[str, str] = {}
        withheld: list[str] = []
        all_items: set[str] = set()
        fill = {"vendor": vendor, "system": system}

        def notice(key: str) -> str:
            label = SECTION_LABEL[key]
            if r.random() < 0.6:
                withheld.append(label)
                risk = r.choice(RISK).format(action=label, **fill)
                return (
                    "  notice:\n    given: 無\n    proviso:\n"
                    f"      risk: {block(8, risk, '>-')}\n      necessity: {block(8, r.choice(NECESSITY), '>-')}\n"
                )
            return f"  notice:\n    given: 有\n    timing: {r.choice(('事前', '事後'))}\n    method: {r.choice(NOTICE_METHODS)}\n"

        def grid(items: list[str]) -> str:
            text = f"  items: {flow(items)}\n"
            if r.random() < 0.5:
                text += f"  other_items: {flow(r.sample(OTHER_ITEMS, r.randint(1, 3)))}\n"
            return text

        if "本人外収集" in bases:
            items = self.pick_items(r.randint(2, 6))
            all_items.update(items)
            sections["indirect_collection"] = (
                "indirect_collection:\n" + grid(items)
                + f"  source: {r.choice(('関係機関', '東京都', '医療機関', '学校', '民生委員'))}\n"
                + f"  reason: {block(4, f'{business}の対象者を把握するため、本人以外から情報{self.mention(items)}を収集する。本人から収集すると手続が遅れ、必要な支援が届かないおそれがあるためである。', '>-')}\n"
                + notice("indirect_collection")
            )
        if "目的外利用" in bases:
            items = self.pick_items(r.randint(2, 6))
            all_items.update(items)
            organization = r.choice(DEPARTMENTS)
            sections["secondary_use"] = (
                "secondary_use:\n" + grid(items)
                + f"  source_business: {block(4, r.choice(('児童手当、児童扶養手当及び児童育成手当の認定事務', '住民基本台帳事務', '介護保険の資格管理事務', '市民税の課税事務', '国民健康保険の資格管理事務')), '>-')}\n"
                + f"  source_organization: {organization}\n"
                + f"  reason: {block(4, f'{organization}が保有している情報{self.mention(items)}を目的外利用する。対象者にあらかじめ案内を送付することで、早急な支援を漏れなく実施するためである。', '>-')}\n"
                + notice("secondary_use")
            )
        if "外部提供" in bases or emergency:
            items = self.pick_items(r.randint(3, 8))
            all_items.update(items)
            media = sorted(r.sample(("紙媒体", "電磁的記録媒体", "その他の媒体"), r.randint(1, 2)), key=("紙媒体", "電磁的記録媒体", "その他の媒体").index)
            text = "external_provision:\n" + grid(items)
            text += f"  recipient: {block(4, f'{vendor}' + chr(10) + chr(10) + f'{system}の導入及び保守を行っている事業者であり、都内の複数の自治体で同種の業務の実績がある。', '|')}\n"
            text += f"  media: {flow(media)}\n"
            if "その他の媒体" in media:
                text += f"  media_detail: {block(4, r.choice(NETWORKS), '>-')}\n"
            reason = f"{business}を円滑に実施するため、{vendor}に対象者の情報{self.mention(items)}を提供し、作業を委託する。{r.choice(BACKGROUND)}"
            text += f"  reason: {block(4, reason, '>-')}\n"
            controls = r.sample(CONTROLS, 2)
            text += f"  recipient_controls: {block(4, chr(10).join(c.format(**fill) + chr(10) for c in controls).rstrip(), '|')}\n"
            if "外部提供" in bases:
                text += f"  conditions: {block(4, r.choice(CONDITIONS), '>-')}\n"
            text += notice("external_provision") if not emergency else "  notice:\n    given: 有\n    timing: 事後\n    method: 本人へ送付した。\n"
            sections["external_provision"] = text
        operation = r.choice(("設定", "追加", "変更"))
        if "記録項目" in bases:
            items = self.pick_items(r.randint(3, 9))
            all_items.update(items)
            summary_text = f"{system}で対象者の情報{self.mention(items)}を保有することになるため、電子計算機処理による記録項目の{operation}を行う。"
            sections["record_items"] = (
                f"record_items:\n  operation: {operation}\n"
                + (f"  system: {system}\n" if r.random() < 0.7 else "")
                + grid(items)
                + f"  processing_summary: {block(4, summary_text, '>-')}\n"
            )
        if "結合" in bases:
            sections["linkage"] = (
                "linkage:\n"
                + f"  city_system: {block(4, f'市の{system}の端末及びサーバ', '>-')}\n"
                + f"  third_party_system: {block(4, f'{vendor}が管理するサーバ', '>-')}\n"
                + f"  network: {block(4, r.choice(NETWORKS), '>-')}\n"
            )

        parts = []
        for basis in bases:
            if basis == "記録項目":
                parts.append(f"電子計算機処理による記録項目の{operation}")
            elif basis in TITLE_WORD:
                parts.append(TITLE_WORD[basis])
            if basis in withheld:
                parts.append(f"{basis}に係る通知の要否")
        if emergency:
            parts = ["外部提供"]
        title = f"{theme}に伴う保有個人情報の" + ("及び".join(parts[:-1]) + "並びに" if len(parts) > 1 else "") + parts[-1] + "について"

        departments = r.sample(DEPARTMENTS, 1 if r.random() < 0.7 else 2)
        volume_count = r.choice((1, 12, 85, 350, 1800, 4200, 6900, 11700, 24723, 60086)) + r.randrange(0, 50)
        volume = f"年間約{volume_count:,}{r.choice(VOLUME_UNITS)}"
        period = f"{era_date(start)}から{era_date(end)}まで" if r.random() < 0.5 else f"{era_date(start)}～"

        summary = [purpose]
        if all_items:
            summary.append(f"対象者の情報{self.mention(sorted(all_items, key=ITEMS.index))}は、事務の遂行に必要な範囲に限って取り扱う。")
        opening = r.choice(BACKGROUND)
        summary.append(f"{era_date(start, weekday=True)}から受付を開始する。{opening}")

        head = "# yaml-language-server: $schema=../../../schemas/case.schema.json\nversion: 1\n"
        head += f"kind: {kind}\ntitle: {block(2, title, '>-')}\nbases: {flow(bases)}\n"
        if emergency:
            head += "other_basis: 条例第13条第4項\n"
        head += f"departments: {flow(departments)}\nbusiness_name: {business}\n"
        tail = f"period: {period}\nvolume: {volume}\n\n" + "\n".join(sections.values())
        if r.random() < 0.6:
            tail += "\nattachments: [" + ", ".join(f"{{title: {a}}}" for a in r.sample(ATTACHMENTS, r.randint(1, 2))) + "]\n"
        if r.random() < 0.3:
            tail += f"remarks: {r.choice(REMARKS)}\n"

        # Grow the summary to the file's size: 3.5–4.5 KB, about 4 KB on average.
        target = r.randint(3500, 4500)
        pool = [p for p in BACKGROUND if p != opening]
        r.shuffle(pool)
        while True:
            text = head + f"summary: {block(2, chr(10).join(p + chr(10) for p in summary).rstrip())}\n" + tail
            size = len(text.encode())
            if size >= target or not pool:
                return text
            summary.append(pool.pop())


def generator_hash() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update("\n".join(ITEMS).encode())
    return digest.hexdigest()[:16]


def generate(count: int, force: bool = False) -> bool:
    """Write bench/data/COUNT/ unless it is up to date; True if written."""
    target = DATA / str(count)
    stamp = target / ".stamp"
    expected = f"{generator_hash()} {count}\n"
    if not force and stamp.exists() and stamp.read_text() == expected:
        return False
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for index in range(count):
        (target / f"case-{index:05d}.yaml").write_text(Case(index).build(), encoding="utf-8")
    stamp.write_text(expected)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="*", type=int, default=list(SETS))
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    for count in args.sets:
        written = generate(count, args.force)
        sizes = [p.stat().st_size for p in (DATA / str(count)).glob("*.yaml")]
        state = "generated" if written else "up to date"
        print(f"bench/data/{count}: {state}, {len(sizes)} files, mean {sum(sizes) / len(sizes) / 1024:.2f} KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
