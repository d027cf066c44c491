//! Tests of the front matter format: reading, refusing, and writing it unchanged.
use super::*;

#[test]
fn front_matter_round_trips() -> Result<(), String> {
    let text = "---\ntitle: 扩散模型入门\nslug: diffusion\nlocale: zh-CN\ntags: [AI, 外贸]\ntranslation_of: diffusion\npublished_at: 2026-01-05T08:00:00Z\nexcerpt: 简介\n---\n# 正文\n\n内容\n";
    let (front, body) = parse_file(text)?;
    assert_eq!(front.title, "扩散模型入门");
    assert_eq!(front.tags, vec!["AI", "外贸"]);
    assert_eq!(body, "# 正文\n\n内容\n");
    let again = format_file(&front, &body)?;
    assert_eq!(parse_file(&again)?, (front, body));
    Ok(())
}

#[test]
fn bad_files_are_refused_with_a_reason() {
    assert!(parse_file("no front matter").is_err());
    assert!(parse_file("---\ntitle: x\n").is_err());
    let unknown = parse_file("---\ntitle: x\ncolour: red\n---\n").err();
    assert!(
        unknown
            .as_deref()
            .is_some_and(|e| e.starts_with("front matter: unknown field `colour`")),
        "{unknown:?}"
    );
    assert!(parse_file("---\nslug: x\n---\n").is_err());
}

/// The exact text an export writes for front matter with Chinese text, quotes, colons, a
/// multi-line value, a date with microseconds and lists: the bytes serde_yaml 0.9 wrote before
/// the switch to yaml_serde, so exported files do not change.
const WRITTEN: &str = r#"---
title: '外贸指南："FOB" 与 ''CIF'': 区别'
slug: waimao-zhinan
locale: zh-CN
tags:
- '展会: 广交会'
- '"引号"'
- AI
- '- 列表'
translation_of: trade-guide
published_at: 2026-01-05T08:00:00.123456Z
excerpt: |-
  第一行：说明
  第二行 "引" 'a: b'

    缩进的第四行
---
# 正文

内容："引号"
"#;

#[test]
fn front_matter_is_written_as_before_and_reads_back_to_the_same_bytes() -> Result<(), String> {
    let front = FrontMatter {
        title: "外贸指南：\"FOB\" 与 'CIF': 区别".into(),
        slug: Some("waimao-zhinan".into()),
        locale: Some("zh-CN".into()),
        tags: vec![
            "展会: 广交会".into(),
            "\"引号\"".into(),
            "AI".into(),
            "- 列表".into(),
        ],
        translation_of: Some("trade-guide".into()),
        published_at: DateTime::parse_from_rfc3339("2026-01-05T08:00:00.123456Z")
            .ok()
            .map(|at| at.with_timezone(&Utc)),
        excerpt: Some("第一行：说明\n第二行 \"引\" 'a: b'\n\n  缩进的第四行".into()),
    };
    let body = "# 正文\n\n内容：\"引号\"\n";
    let written = format_file(&front, body)?;
    assert_eq!(written, WRITTEN);
    let (read, read_body) = parse_file(&written)?;
    assert_eq!((&read, read_body.as_str()), (&front, body));
    assert_eq!(
        format_file(&read, &read_body)?,
        written,
        "a second export changed the bytes"
    );
    Ok(())
}
