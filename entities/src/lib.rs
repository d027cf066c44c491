//! sea-orm entities of Wharf, one module per table.
//!
//! This crate holds only the shape of the data: no business rules and no GraphQL types, so that a
//! column change never silently changes the API. Rules live in `wharf::services`.

pub mod api_token;
pub mod article;
pub mod article_revision;
pub mod article_tag;
pub mod category;
pub mod category_translation;
pub mod inquiry;
pub mod inquiry_blocked_sender;
pub mod inquiry_counter;
pub mod inquiry_event;
pub mod inquiry_form_token;
pub mod inquiry_item;
pub mod inquiry_site_setting;
pub mod job_claim;
pub mod link_check;
pub mod link_deal;
pub mod link_deal_event;
pub mod link_offer;
pub mod media;
pub mod media_upload;
pub mod outbox;
pub mod password_reset;
pub mod product;
pub mod product_category;
pub mod product_certification;
pub mod product_media;
pub mod product_revision;
pub mod product_spec;
pub mod product_tag;
pub mod refresh_token;
pub mod site;
pub mod site_invitation;
pub mod site_member;
pub mod tag;
pub mod user;
pub mod webhook;
pub mod webhook_delivery;
