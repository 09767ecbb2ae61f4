//! Diseases and host species.

use serde::{Deserialize, Serialize};

/// One disease (or syndrome, or poisoning cluster) that Waspada recognises.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Disease {
    /// The project's stable identifier, snake_case English (`dengue`, `african_swine_fever`).
    pub id: String,
    /// English display name.
    pub name_en: String,
    /// Indonesian display name.
    pub name_id: String,
    /// 3-character ICD-10 category (`A97`); `None` for animal-only diseases.
    pub icd10: Option<String>,
    /// Host species ids (see [`Host`]) the disease affects: `human`, `pig`, `cattle`, ...
    pub hosts: Vec<String>,
    /// Grouping for analysts: `vector_borne`, `respiratory`, `foodborne`, `zoonotic`, `animal`, ...
    pub category: String,
    /// Listed among the SKDR (Indonesia's early-warning system) syndromes/diseases.
    #[serde(default)]
    pub skdr: bool,
    /// Listed by WOAH (World Organisation for Animal Health).
    #[serde(default)]
    pub woah: bool,
    /// For a disease with a distinct animal form (avian influenza in poultry vs. human
    /// infection): the id of the animal-only entry to report when only animals are affected.
    #[serde(default)]
    pub animal_variant: Option<String>,
    /// Every name by which the disease is written in news text.
    pub synonyms: Vec<Synonym>,
}

/// A written form of a disease name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Synonym {
    /// The form as written (`demam berdarah`, `DBD`).
    pub text: String,
    /// ISO 639-1 language (`id`, `ms`, `en`), or `*` for forms shared across languages.
    pub lang: String,
    /// Match case exactly: set for abbreviations (`DBD`, `ASF`, `SE`) that collide with
    /// ordinary words in lower case.
    #[serde(default)]
    pub case_sensitive: bool,
    /// A weak form (a pathogen or symptom name, `E. coli`, `diare`) that counts as a
    /// mention but is not enough, alone, to make the disease primary.
    #[serde(default)]
    pub weak: bool,
}

/// A host species.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Host {
    /// English singular id as used in the `analyze` output (`human`, `pig`, `cattle`, `chicken`, `dog`).
    pub id: String,
    /// Written forms in Indonesian, Malay and English (`babi`, `sapi`, `ayam`, `unggas`, `pigs`).
    pub names: Vec<String>,
}
