//! A category's names and descriptions per locale: checked against the site's locales, then
//! written.
use super::*;

/// Checks translations against the site's locales; returns them with canonical locales.
pub(super) fn check_translations(
    site: &entities::site::Model,
    given: &[TranslationInput],
) -> AppResult<Vec<TranslationInput>> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(given.len());
    for (i, t) in given.iter().enumerate() {
        let locale =
            require_site_locale(site, &format!("translations.{i}.locale"), Some(&t.locale))?;
        if !seen.insert(locale.clone()) {
            return Err(AppError::bad_input(
                &format!("translations.{i}.locale"),
                format!("{locale} is given twice"),
            )
            .because(Reason::Duplicate));
        }
        out.push(TranslationInput {
            locale,
            name: bounded_text(
                &format!("translations.{i}.name"),
                &t.name,
                1,
                MAX_NAME_CHARS,
            )?,
            description: optional_text(
                &format!("translations.{i}.description"),
                t.description.as_deref(),
                MAX_DESCRIPTION_CHARS,
            )?,
        });
    }
    Ok(out)
}

pub(super) async fn write_translations(
    db: &impl ConnectionTrait,
    category_id: Uuid,
    translations: &[TranslationInput],
) -> AppResult<()> {
    for t in translations {
        translation::Entity::delete_many()
            .filter(translation::Column::CategoryId.eq(category_id))
            .filter(translation::Column::Locale.eq(t.locale.clone()))
            .exec(db)
            .await?;
        translation::ActiveModel {
            category_id: Set(category_id),
            locale: Set(t.locale.clone()),
            name: Set(t.name.clone()),
            description: Set(t.description.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
