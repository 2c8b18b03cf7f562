//! The UCI attribute values and the tier on the wire; each mirrors a domain enum whose wire strings the build checks.

use leadscore_domain::customers::{Contact, Education, Job, Marital, Month, Outcome, Poutcome};
use leadscore_domain::scoring::Tier;

api_enum!(
    /// Type of job (UCI Bank Marketing values; note the dot in `admin.`).
    JobDto => Job { Admin = "admin.", BlueCollar = "blue-collar", Entrepreneur = "entrepreneur", Housemaid = "housemaid",
        Management = "management", Retired = "retired", SelfEmployed = "self-employed", Services = "services",
        Student = "student", Technician = "technician", Unemployed = "unemployed", Unknown = "unknown" }
);
api_enum!(
    /// Marital status (`divorced` includes widowed).
    MaritalDto => Marital { Married = "married", Divorced = "divorced", Single = "single" }
);
api_enum!(
    /// Education level.
    EducationDto => Education { Primary = "primary", Secondary = "secondary", Tertiary = "tertiary", Unknown = "unknown" }
);
api_enum!(
    /// Contact type of the last contact.
    ContactDto => Contact { Cellular = "cellular", Telephone = "telephone", Unknown = "unknown" }
);
api_enum!(
    /// Month of the last contact.
    MonthDto => Month { Jan = "jan", Feb = "feb", Mar = "mar", Apr = "apr", May = "may", Jun = "jun", Jul = "jul",
        Aug = "aug", Sep = "sep", Oct = "oct", Nov = "nov", Dec = "dec" }
);
api_enum!(
    /// Outcome of the previous campaign.
    PoutcomeDto => Poutcome { Success = "success", Failure = "failure", Other = "other", Unknown = "unknown" }
);
api_enum!(
    /// Lead tier from the model card's thresholds.
    TierDto => Tier { Hot = "Hot", Warm = "Warm", Cold = "Cold" }
);

api_enum!(
    /// Known outcome: did the customer subscribe?
    OutcomeDto => Outcome {
        /// Subscribed.
        Yes = "yes",
        /// Did not.
        No = "no",
    }
);
