//! Recording outcomes that are already known (the `y` of imported data) as closed leads, so a campaign's analytics
//! show real numbers: the demo seed uses it, and it fits history learnt outside the call workflow.

use leadscore_domain::activity::{ActivityAction, EntityType};
use uuid::Uuid;

use super::{RunService, activity, caller_label};
use crate::campaigns::model::KnownOutcomes;
use crate::{AppError, Caller};

impl RunService {
    /// Closes the campaign's `Pending` leads whose customer has a known outcome (`yes` → Converted, `no` → Failed),
    /// each with a System note, in one transaction, and records one activity. Owner or Admin.
    pub async fn record_known_outcomes(
        &self,
        caller: &Caller,
        id: Uuid,
        ip: Option<&str>,
    ) -> Result<KnownOutcomes, AppError> {
        let campaign = self.campaigns.managed(caller, id).await?;
        let now = self.clock.now();
        let text = format!("outcome taken from the customer's known data ({})", caller_label(caller, &campaign));
        let counts = self.leads.close_with_known_outcomes(id, now, &text).await?;
        self.activities
            .record(activity(
                caller,
                ActivityAction::OutcomesRecorded,
                (EntityType::Campaign, id),
                id,
                None,
                format!(
                    "campaign \"{}\": known outcomes recorded for {} leads ({} converted, {} failed)",
                    campaign.info.name,
                    counts.converted + counts.failed,
                    counts.converted,
                    counts.failed
                ),
                ip,
            ))
            .await?;
        Ok(counts)
    }
}
