//! One column value in the backup format: plain JSON, read back by the column's type.
//!
//! UUIDs are hyphenated strings, timestamps RFC 3339 with all their digits (UTC), JSON columns
//! the JSON itself, everything else the obvious JSON value. A type this format does not know
//! is an error, never a silent loss: a new column type fails the round-trip test first.
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::Value;
use sea_orm::sea_query::ColumnType;
use serde_json::Value as Json;

/// A value as the backup stores it.
pub fn encode(value: &Value) -> Result<Json, String> {
    Ok(match value {
        Value::Bool(v) => v.map_or(Json::Null, Json::Bool),
        Value::Int(v) => v.map_or(Json::Null, Json::from),
        Value::BigInt(v) => v.map_or(Json::Null, Json::from),
        Value::String(v) => v.clone().map_or(Json::Null, Json::String),
        Value::Uuid(v) => v.map_or(Json::Null, |u| Json::String(u.to_string())),
        Value::ChronoDateTimeUtc(v) => v.map_or(Json::Null, |t| {
            Json::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        }),
        Value::Json(v) => v.as_deref().cloned().unwrap_or(Json::Null),
        other => return Err(format!("the backup format has no encoding for {other:?}")),
    })
}

/// A stored value read back as a column of type `ty` takes it.
pub fn decode(ty: &ColumnType, json: &Json) -> Result<Value, String> {
    let null = json.is_null();
    let wrong = || format!("{json} is not a value of a {ty:?} column");
    Ok(match ty {
        ColumnType::Boolean => Value::Bool(if null {
            None
        } else {
            Some(json.as_bool().ok_or_else(wrong)?)
        }),
        ColumnType::Integer => Value::Int(if null {
            None
        } else {
            Some(
                json.as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(wrong)?,
            )
        }),
        ColumnType::BigInteger => Value::BigInt(if null {
            None
        } else {
            Some(json.as_i64().ok_or_else(wrong)?)
        }),
        ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => Value::String(if null {
            None
        } else {
            Some(json.as_str().ok_or_else(wrong)?.to_owned())
        }),
        ColumnType::Uuid => Value::Uuid(if null {
            None
        } else {
            Some(
                json.as_str()
                    .and_then(|s| uuid::Uuid::parse_str(s).ok())
                    .ok_or_else(wrong)?,
            )
        }),
        ColumnType::TimestampWithTimeZone => Value::ChronoDateTimeUtc(if null {
            None
        } else {
            let text = json.as_str().ok_or_else(wrong)?;
            Some(
                DateTime::parse_from_rfc3339(text)
                    .map_err(|_| wrong())?
                    .with_timezone(&Utc),
            )
        }),
        // A JSON column holding JSON `null` and a NULL column read the same way back: no
        // column of Wharf's tells them apart.
        ColumnType::Json | ColumnType::JsonBinary => Value::Json(if null {
            None
        } else {
            Some(Box::new(json.clone()))
        }),
        other => {
            return Err(format!(
                "the backup format has no decoding for a {other:?} column"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::StringLen;

    #[test]
    fn every_kind_of_value_reads_back_as_it_was() {
        let at: DateTime<Utc> = "2026-11-30T22:01:02.123456789Z".parse().unwrap_or_default();
        let id = uuid::Uuid::now_v7();
        let cases = [
            (ColumnType::Boolean, Value::Bool(Some(true))),
            (ColumnType::Integer, Value::Int(Some(-7))),
            (ColumnType::BigInteger, Value::BigInt(Some(i64::MAX))),
            (
                ColumnType::String(StringLen::N(16)),
                Value::String(Some("已发布".into())),
            ),
            (ColumnType::Text, Value::String(None)),
            (ColumnType::Uuid, Value::Uuid(Some(id))),
            (
                ColumnType::TimestampWithTimeZone,
                Value::ChronoDateTimeUtc(Some(at)),
            ),
            (
                ColumnType::TimestampWithTimeZone,
                Value::ChronoDateTimeUtc(None),
            ),
            (
                ColumnType::Json,
                Value::Json(Some(Box::new(serde_json::json!({"a": [1, "二"]})))),
            ),
        ];
        for (ty, value) in cases {
            let stored = encode(&value).unwrap_or_default();
            assert_eq!(decode(&ty, &stored), Ok(value), "{ty:?}");
        }
        assert!(decode(&ColumnType::Integer, &Json::from(1_i64 << 40)).is_err());
        assert!(decode(&ColumnType::Uuid, &Json::from("not-a-uuid")).is_err());
        assert!(encode(&Value::Double(Some(1.5))).is_err());
    }
}
