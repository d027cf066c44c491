// Price and trade terms of the product editor: price range and currency, Incoterm (the eleven
// rules of Incoterms 2020) and its named place, minimum order, lead time, supply ability,
// packaging, HS code, country of origin and certifications. Every control is named as the API
// field it fills, so the API's errors (`input.hsCode`) land beside it; the API checks them all.
import { t, locale } from "../../lib/i18n.js";
import { h, field, input, select, textarea } from "../../lib/ui.js";

// The rules of Incoterms 2020, as the server knows them (domain/incoterm.rs; a unit test in
// http/studio.rs compares the two lists): any mode of transport, then sea and inland waterway.
const INCOTERMS = ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"];
const SEA_ONLY = new Set(["FAS", "FOB", "CFR", "CIF"]);
// Suggestions only: the API takes any ISO 4217 code.
const CURRENCIES = ["USD", "EUR", "CNY", "GBP", "JPY", "HKD", "AUD", "CAD", "CHF", "SGD", "AED", "RUB", "INR", "BRL", "KRW"];

// The API's product as the flat text values the form shows (a single price has no maximum).
export function termValues(p) {
  const price = p?.price;
  return {
    priceMin: price?.min ?? "",
    priceMax: price && price.max !== price.min ? price.max : "",
    currency: price?.currency ?? "",
    incoterm: p?.incoterm?.rule ?? "",
    incotermPlace: p?.incoterm?.place ?? "",
    moqQuantity: p?.minimumOrder ? String(p.minimumOrder.quantity) : "",
    moqUnit: p?.minimumOrder?.unit ?? "",
    leadTimeDays: p?.leadTimeDays != null ? String(p.leadTimeDays) : "",
    supplyAbility: p?.supplyAbility ?? "",
    packaging: p?.packaging ?? "",
    hsCode: p?.hsCode ?? "",
    originCountry: p?.originCountry ?? "",
    certifications: (p?.certifications || []).join(", "),
  };
}

export const NUMBER_FIELDS = new Set(["moqQuantity", "leadTimeDays"]);
export const LIST_FIELDS = new Set(["certifications"]);

// A country's name in the Studio's language (`CN` → China / 中国), or "".
function countryName(code) {
  if (!/^[A-Za-z]{2}$/.test(code.trim())) return "";
  try {
    const name = new Intl.DisplayNames([locale()], { type: "region" }).of(code.trim().toUpperCase());
    return name && name !== code.trim().toUpperCase() ? name : "";
  } catch {
    return "";
  }
}

// termsSection(values) → { el, controls: { apiField: control } }
export function termsSection(values) {
  const c = {
    priceMin: input({ inputmode: "decimal", maxlength: 24, value: values.priceMin, placeholder: "12.50" }),
    priceMax: input({ inputmode: "decimal", maxlength: 24, value: values.priceMax }),
    currency: input({ maxlength: 3, value: values.currency, list: "currency-codes", autocomplete: "off", class: "short", placeholder: "USD" }),
    incoterm: select([["", t("product.noIncoterm")], ...INCOTERMS.map((code) => [code, `${code} · ${t(`incoterm.${code}`)}`])], { value: values.incoterm }),
    incotermPlace: input({ maxlength: 120, value: values.incotermPlace }),
    moqQuantity: input({ type: "number", min: 1, step: 1, value: values.moqQuantity, class: "short" }),
    moqUnit: input({ maxlength: 120, value: values.moqUnit, placeholder: t("product.moqUnitExample") }),
    leadTimeDays: input({ type: "number", min: 0, max: 3650, step: 1, value: values.leadTimeDays, class: "short" }),
    supplyAbility: input({ maxlength: 2000, value: values.supplyAbility }),
    packaging: textarea({ maxlength: 2000, rows: 2, value: values.packaging }),
    hsCode: input({ maxlength: 16, value: values.hsCode, inputmode: "numeric", class: "short", placeholder: "8481.80" }),
    originCountry: input({ maxlength: 2, value: values.originCountry, class: "short", autocomplete: "off", placeholder: "CN" }),
    certifications: input({ maxlength: 2000, value: values.certifications, placeholder: "CE, ISO 9001, RoHS" }),
  };
  // Codes are upper case; typed in any case, they are shown as the API will store them.
  for (const k of ["currency", "originCountry"]) {
    c[k].addEventListener("input", () => { const v = c[k].value.toUpperCase(); if (v !== c[k].value) c[k].value = v; });
  }
  const placeHint = h("span", {});
  const showPlaceHint = () => {
    placeHint.textContent = SEA_ONLY.has(c.incoterm.value) ? t("product.placePort") : t("product.placeHint");
  };
  c.incoterm.addEventListener("change", showPlaceHint);
  showPlaceHint();
  const country = h("span", { class: "country-name" });
  const showCountry = () => { country.textContent = countryName(c.originCountry.value); };
  c.originCountry.addEventListener("input", showCountry);
  showCountry();

  const el = h("div", { class: "terms" },
    h("datalist", { id: "currency-codes" }, CURRENCIES.map((code) => h("option", { value: code }))),
    h("div", { class: "row" },
      field(t("product.priceMin"), c.priceMin, { name: "priceMin", hint: t("product.priceMinHint") }),
      field(t("product.priceMax"), c.priceMax, { name: "priceMax", hint: t("product.priceMaxHint") }),
      field(t("product.currency"), c.currency, { name: "currency", hint: t("product.currencyHint") })),
    h("div", { class: "row" },
      field(t("product.incoterm"), c.incoterm, { name: "incoterm" }),
      field(t("product.incotermPlace"), c.incotermPlace, { name: "incotermPlace", hint: placeHint })),
    h("div", { class: "row" },
      field(t("product.moqQuantity"), c.moqQuantity, { name: "moqQuantity" }),
      field(t("product.moqUnit"), c.moqUnit, { name: "moqUnit" }),
      field(t("product.leadTimeDays"), c.leadTimeDays, { name: "leadTimeDays", hint: t("product.leadTimeHint") })),
    h("div", { class: "row" },
      field(t("product.hsCode"), c.hsCode, { name: "hsCode", hint: t("product.hsCodeHint") }),
      field(t("product.originCountry"), c.originCountry, { name: "originCountry", hint: h("span", {}, t("product.originHint"), " ", country) })),
    field(t("product.certifications"), c.certifications, { name: "certifications", hint: t("product.certificationsHint") }),
    field(t("product.supplyAbility"), c.supplyAbility, { name: "supplyAbility", hint: t("product.supplyAbilityHint") }),
    field(t("product.packaging"), c.packaging, { name: "packaging" }));
  return { el, controls: c };
}
