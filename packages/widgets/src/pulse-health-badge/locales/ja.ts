// The badge's ja texts, fetched only by pages in that language: see ../pulse-health-badge.messages.ts.
export default "ヘルス|ヘルス {score}、{band}|緑|黄|赤|ヘルスデータはまだありません|ヘルスを読み込み中…|ヘルスを取得できません|30日間で{delta}|過去90日間：{first}から{last}|主な要素|製品の利用状況|顧客フィードバック|サポート|支払い|CSMの評価|オンボーディング|ビジネスレビュー";
