//! CLDR data for the shipped languages and only the markers the pages use, baked by
//! `scripts/locale-data.sh` into `data/` (generated: do not edit by hand).

#![allow(clippy::all, unused_qualifications)]

include!("data/mod.rs");

/// The data provider over the baked data.
pub struct LocaleData;
impl_data_provider!(LocaleData);
