//! The service catalogue: kinds of providers, categories, and the 14-component
//! service standard (UU 25/2009 art. 21, PermenPANRB 15/2014).

use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// Who a provider (instansi) is.
    ProviderKind {
        MinistryAgency = "ministry_agency",
        ProvincialGovernment = "provincial_government",
        RegencyGovernment = "regency_government",
        Bumn = "bumn",
        Bumd = "bumd",
        Private = "private",
    }
}

string_enum! {
    /// Service categories used for filtering the catalogue.
    Category {
        Kependudukan = "kependudukan",
        Keimigrasian = "keimigrasian",
        Kepolisian = "kepolisian",
        Perpajakan = "perpajakan",
        Kendaraan = "kendaraan",
        PerizinanBerusaha = "perizinan_berusaha",
        PerizinanBangunan = "perizinan_bangunan",
        Pertanahan = "pertanahan",
        Kesehatan = "kesehatan",
        JaminanSosial = "jaminan_sosial",
        Ketenagakerjaan = "ketenagakerjaan",
        Utilitas = "utilitas",
        Keuangan = "keuangan",
        Pendidikan = "pendidikan",
        Sosial = "sosial",
        Keagamaan = "keagamaan",
        Hukum = "hukum",
        InformasiPengaduan = "informasi_pengaduan",
        Lainnya = "lainnya",
    }
}

string_enum! {
    /// A service's publication state. Only published services are public.
    ServiceStatus {
        Draft = "draft",
        Published = "published",
        Archived = "archived",
    }
}

string_enum! {
    /// An MPP location's life cycle in the national registry.
    MppStatus {
        Planned = "planned",
        Operating = "operating",
        Closed = "closed",
    }
}

string_enum! {
    /// The unit of "jangka waktu penyelesaian".
    DurationUnit {
        Minutes = "minutes",
        Hours = "hours",
        WorkingDays = "working_days",
        Days = "days",
    }
}

/// One language's text of the six public components, with the rest of the standard.
/// English fields are optional; a page falls back to Indonesian.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Standard {
    // 1. Persyaratan
    pub requirements: Vec<String>,
    pub requirements_en: Vec<String>,
    // 2. Sistem, mekanisme dan prosedur
    pub procedure: Vec<String>,
    pub procedure_en: Vec<String>,
    // 3. Jangka waktu penyelesaian
    pub duration_value: Option<i64>,
    pub duration_unit: Option<DurationUnit>,
    pub duration_note: Option<String>,
    pub duration_note_en: Option<String>,
    // 4. Biaya/tarif
    pub fee_free: bool,
    pub fee: Option<String>,
    pub fee_en: Option<String>,
    // 5. Produk pelayanan
    pub product: Option<String>,
    pub product_en: Option<String>,
    // 6. Penanganan pengaduan, saran dan masukan
    pub complaints: Option<String>,
    pub complaints_en: Option<String>,
    // 7–14: internal components
    pub legal_basis: Vec<String>,
    pub facilities: Option<String>,
    pub competence: Option<String>,
    pub supervision: Option<String>,
    pub staff_count: Option<i64>,
    pub guarantee: Option<String>,
    pub security: Option<String>,
    pub evaluation: Option<String>,
}

/// The six components that must be published with a service (DOMAIN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicComponent {
    Requirements,
    Procedure,
    Duration,
    Fee,
    Product,
    Complaints,
}

impl PublicComponent {
    /// The form field that holds this component.
    pub fn field(self) -> &'static str {
        match self {
            PublicComponent::Requirements => "requirements",
            PublicComponent::Procedure => "procedure",
            PublicComponent::Duration => "duration_value",
            PublicComponent::Fee => "fee",
            PublicComponent::Product => "product",
            PublicComponent::Complaints => "complaints",
        }
    }
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().map(str::trim).unwrap_or("").is_empty()
}

impl Standard {
    /// Public components still missing; a service can be published only when empty.
    pub fn missing_public(&self) -> Vec<PublicComponent> {
        let mut missing = Vec::new();
        if self.requirements.iter().all(|r| r.trim().is_empty()) {
            missing.push(PublicComponent::Requirements);
        }
        if self.procedure.iter().all(|r| r.trim().is_empty()) {
            missing.push(PublicComponent::Procedure);
        }
        if self.duration_value.is_none() || self.duration_unit.is_none() {
            missing.push(PublicComponent::Duration);
        }
        if !self.fee_free && blank(&self.fee) {
            missing.push(PublicComponent::Fee);
        }
        if blank(&self.product) {
            missing.push(PublicComponent::Product);
        }
        if blank(&self.complaints) {
            missing.push(PublicComponent::Complaints);
        }
        missing
    }

    /// Internal components (7–14) still empty: a service is published without
    /// them, but the ministry counts services whose standard has all 14.
    pub fn missing_internal(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.legal_basis.iter().all(|r| r.trim().is_empty()) {
            missing.push("legal_basis");
        }
        for (field, v) in
            [("facilities", &self.facilities), ("competence", &self.competence), ("supervision", &self.supervision)]
        {
            if blank(v) {
                missing.push(field);
            }
        }
        if self.staff_count.is_none_or(|n| n <= 0) {
            missing.push("staff_count");
        }
        for (field, v) in
            [("guarantee", &self.guarantee), ("security", &self.security), ("evaluation", &self.evaluation)]
        {
            if blank(v) {
                missing.push(field);
            }
        }
        missing
    }

    /// All 14 components are filled in.
    pub fn is_complete(&self) -> bool {
        self.missing_public().is_empty() && self.missing_internal().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> Standard {
        Standard {
            requirements: vec!["KTP-el".into()],
            procedure: vec!["Ambil antrean".into()],
            duration_value: Some(1),
            duration_unit: Some(DurationUnit::WorkingDays),
            fee_free: true,
            product: Some("KTP-el".into()),
            complaints: Some("SP4N-LAPOR!".into()),
            ..Standard::default()
        }
    }

    #[test]
    fn a_complete_standard_misses_nothing() {
        assert!(complete().missing_public().is_empty());
    }

    #[test]
    fn each_public_component_is_required() {
        let mut s = complete();
        s.requirements = vec!["  ".into()];
        s.fee_free = false;
        s.fee = None;
        s.complaints = Some(" ".into());
        assert_eq!(
            s.missing_public(),
            vec![PublicComponent::Requirements, PublicComponent::Fee, PublicComponent::Complaints]
        );
        let mut s = complete();
        s.duration_unit = None;
        s.procedure.clear();
        s.product = None;
        assert_eq!(
            s.missing_public(),
            vec![PublicComponent::Procedure, PublicComponent::Duration, PublicComponent::Product]
        );
    }

    #[test]
    fn all_fourteen_components_make_a_complete_standard() {
        let mut s = complete();
        assert_eq!(s.missing_internal().len(), 8);
        assert!(!s.is_complete());
        s.legal_basis = vec!["Perpres 89/2021".into()];
        s.facilities = Some("Ruang tunggu".into());
        s.competence = Some("Operator bersertifikat".into());
        s.supervision = Some("Kepala dinas".into());
        s.staff_count = Some(2);
        s.guarantee = Some("Maklumat pelayanan".into());
        s.security = Some("Data dijaga".into());
        s.evaluation = Some("SKM tiap semester".into());
        assert!(s.is_complete());
        s.staff_count = Some(0);
        assert_eq!(s.missing_internal(), vec!["staff_count"]);
        assert!(!s.is_complete());
    }

    #[test]
    fn enums_round_trip_through_text() {
        for k in ProviderKind::ALL {
            assert_eq!(ProviderKind::parse(k.as_str()), Some(*k));
        }
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Category::ALL.len(), 19);
        assert_eq!(ServiceStatus::parse("nope"), None);
    }
}
