//! Places: Indonesian administrative areas and countries.

use serde::{Deserialize, Serialize};

/// Administrative level of a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceLevel {
    /// Provinsi (Indonesia) or a first-level division elsewhere.
    Province,
    /// Kabupaten (regency).
    Regency,
    /// Kota (city with regency status in Indonesia), or a city elsewhere.
    City,
    /// Kecamatan (district).
    District,
}

/// An administrative area: Indonesian (with a Kemendagri code) or an ASEAN division/city.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Place {
    /// Kemendagri 2025 code (`32`, `32.05`, `32.05.01`) for Indonesia; for other
    /// countries `ISO3:geonames-admin1[:name]` (`MYS:14`, `PHL:NCR:Manila`).
    pub code: String,
    /// Official name (`Kabupaten Garut`, `Kota Bogor`, `Jawa Barat`).
    pub name: String,
    /// Level.
    pub level: PlaceLevel,
    /// ISO 3166-1 alpha-3 country.
    pub country: String,
    /// Code of the enclosing area (the province of a regency, the regency of a district).
    pub parent: Option<String>,
    /// Representative latitude (WGS84).
    pub lat: Option<f64>,
    /// Representative longitude (WGS84).
    pub lon: Option<f64>,
    /// Population (Kemendagri 2025), where known.
    #[serde(default)]
    pub population: Option<u64>,
    /// Forms written in news: `Garut`, `Kab. Garut`, `Kabupaten Garut`; `Jabar`, `Jawa Barat`.
    pub aliases: Vec<String>,
    /// Aliases that are also common words or person names (`Batu`, `Agam`, `Kota`); they
    /// count only with a level word in front (`Kota Batu`) or with a confirming mention.
    #[serde(default)]
    pub ambiguous_aliases: Vec<String>,
}

/// A country.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Country {
    /// ISO 3166-1 alpha-3 (`IDN`).
    pub iso3: String,
    /// ISO 3166-1 alpha-2 (`ID`).
    pub iso2: String,
    /// English short name.
    pub name_en: String,
    /// Indonesian name.
    pub name_id: String,
    /// ASEAN member state.
    #[serde(default)]
    pub asean: bool,
    /// Representative latitude.
    pub lat: Option<f64>,
    /// Representative longitude.
    pub lon: Option<f64>,
    /// Every written form: names in id/ms/en, official names, adjectives and
    /// demonyms (`Rusia`, `Russia`, `Russian`, `Filipina`, `Filipino`, `Vietnamese`).
    pub aliases: Vec<String>,
}
