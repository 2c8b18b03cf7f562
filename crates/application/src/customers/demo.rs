//! Plausible, deterministic identities for the demo data set (which has none): names, e-mails on the reserved
//! `example.com` domain, Portuguese phone numbers and cities (the data comes from a Portuguese bank).

const FIRST: [&str; 24] = [
    "Ana", "João", "Maria", "Pedro", "Inês", "Tiago", "Beatriz", "Rui", "Sofia", "Miguel", "Carla", "Nuno", "Marta",
    "Paulo", "Rita", "Luís", "Joana", "André", "Teresa", "Bruno", "Helena", "Diogo", "Catarina", "Ricardo",
];
const LAST: [&str; 20] = [
    "Silva",
    "Santos",
    "Ferreira",
    "Pereira",
    "Oliveira",
    "Costa",
    "Rodrigues",
    "Martins",
    "Jesus",
    "Sousa",
    "Fernandes",
    "Gonçalves",
    "Gomes",
    "Lopes",
    "Marques",
    "Alves",
    "Almeida",
    "Ribeiro",
    "Pinto",
    "Carvalho",
];
const CITIES: [&str; 12] = [
    "Lisboa",
    "Porto",
    "Braga",
    "Coimbra",
    "Faro",
    "Aveiro",
    "Setúbal",
    "Évora",
    "Viseu",
    "Leiria",
    "Funchal",
    "Ponta Delgada",
];

/// A generated identity for the n-th demo customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoIdentity {
    /// `DEMO-000001`.
    pub external_id: String,
    /// Full name.
    pub name: String,
    /// Unique e-mail.
    pub email: String,
    pub phone: String,
    pub city: String,
}

fn ascii(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'á' | 'ã' | 'â' => 'a',
            'é' | 'ê' => 'e',
            'í' => 'i',
            'ó' | 'õ' | 'ô' => 'o',
            'ú' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect::<String>()
        .to_lowercase()
}

impl DemoIdentity {
    /// The identity of customer `n` (0-based). The same `n` always gives the same identity.
    pub fn nth(n: u64) -> Self {
        // A multiplicative hash spreads consecutive rows over the name lists without looking sequential.
        let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
        let first = FIRST[(h % FIRST.len() as u64) as usize];
        let last = LAST[((h >> 8) % LAST.len() as u64) as usize];
        let city = CITIES[((h >> 16) % CITIES.len() as u64) as usize];
        let phone = 910_000_000 + (h >> 24) % 89_999_999;
        Self {
            external_id: format!("DEMO-{:06}", n + 1),
            name: format!("{first} {last}"),
            email: format!("{}.{}.{}@example.com", ascii(first), ascii(last), n + 1),
            phone: format!("+351 {} {} {}", phone / 1_000_000, phone / 1_000 % 1_000, phone % 1_000),
            city: city.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DemoIdentity;

    #[test]
    fn identities_are_deterministic_unique_and_valid() {
        assert_eq!(DemoIdentity::nth(7), DemoIdentity::nth(7));
        let emails: std::collections::HashSet<String> = (0..5000).map(|n| DemoIdentity::nth(n).email).collect();
        assert_eq!(emails.len(), 5000);
        let id = DemoIdentity::nth(0);
        assert_eq!(id.external_id, "DEMO-000001");
        assert!(leadscore_domain::users::Email::parse(&id.email).is_ok());
        assert!(id.phone.starts_with("+351 9"));
    }
}
